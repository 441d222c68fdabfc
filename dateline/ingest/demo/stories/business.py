"""Business: the port, the shipyard and the shops of Kelbridge."""

from dateline.ingest.demo.spec import Story, org, person, place

STORIES = [
    Story(
        slug="brackwater-shipyard-hybrid-ferries",
        section="Business",
        headline="Brackwater shipyard wins order for three hybrid ferries",
        standfirst=(
            "The contract, the yard's largest in twenty years, will secure 400 jobs and bring "
            "back apprenticeships"
        ),
        credit="reports Courier Staff",
        authors=("Tom Brannigan",),
        tags=("Shipbuilding", "Jobs", "Ferries"),
        topics=(org("Brackwater Marine"), person("Gwen Harker"), place("Kelbridge")),
        caption="The main construction hall at the Brackwater yard.",
        inset="The first steel for the ferries is due to be cut in the autumn.",
        body="""
        Brackwater Marine has won a contract to build three hybrid ferries for an island
        operator, the largest order at the Kelbridge yard in twenty years.

        The ships, each able to carry 600 passengers and 120 cars, will run on batteries in
        and near port and switch to diesel engines for the open crossing. The order is worth
        about £210m.

        The yard employs 310 people today. The company says the work will take that to about
        400 by next year, and it will take on 30 apprentices a year for the next three years,
        the first intake since the yard last ran a scheme a decade ago.

        ## A yard that nearly closed

        Brackwater came close to closing six years ago, when a contract for fishery patrol
        boats was cancelled. It survived on repair work and small builds, and on a loan from
        a regional investment fund that it has since repaid.

        > People in this town remember what it felt like when the yard went quiet. Today, for
        the first time in a long time, we can tell our young people there is a trade here for
        them. | Gwen Harker, managing director of Brackwater Marine

        Unions welcomed the order and said they would press for the new jobs to be permanent.
        The first ferry is due to be delivered in just under three years.
        """,
        also_read=("estmark-halvoy-ferry-treaty",),
    ),
    Story(
        slug="hollin-bakery-fourth-shop",
        section="Business",
        headline="Family bakery Hollin & Daughters opens fourth shop and a central bakehouse",
        standfirst=(
            "The firm, started in a back kitchen on Cooper's Hill, now employs 60 people and "
            "plans to supply cafés across the county"
        ),
        authors=("Tom Brannigan",),
        tags=("Small business", "Food", "Retail"),
        topics=(org("Hollin & Daughters"), person("Rosa Hollin"), place("Cooper's Hill")),
        caption="Loaves cooling at the new Hollin & Daughters bakehouse.",
        body="""
        Hollin & Daughters, the bakery that began in a terraced house on Cooper's Hill, has
        opened its fourth shop, in the converted ticket office of the old harbour station.

        The business has also moved its baking out of the back of its first shop and into a
        unit on the Northgate industrial estate, where ovens run through the night to supply
        all four branches and a growing list of cafés.

        Rosa Hollin started the bakery with her two daughters eleven years ago, selling
        sourdough from the front window. The firm now employs 60 people and had sales of
        £3.2m last year.

        > We still make every loaf the way we made the first ones, just more of them. The
        day we stop doing that is the day we should stop growing. | Rosa Hollin, founder

        The expansion was paid for with a bank loan and money from a crowdfunding round in
        which more than 900 customers bought small stakes in the company.

        The family says it has turned down two offers to buy the business from larger chains
        and has no plans to open outside Westmoor.
        """,
    ),
    Story(
        slug="harbour-container-volumes-record",
        section="Business",
        headline="Port container traffic hits record after new feeder service",
        standfirst=(
            "Kelbridge handled more boxes in the past year than ever before, helped by a "
            "weekly link to the big hub ports across the sea"
        ),
        credit="reports Courier Staff",
        authors=("Tom Brannigan",),
        tags=("Shipping", "Port", "Trade"),
        topics=(org("Kelbridge Harbour Authority"), person("Martin Faulkes")),
        caption="Cranes at the container terminal on the north quay.",
        body="""
        The port of Kelbridge handled 212,000 containers in the last financial year, a record,
        after a shipping line began a weekly service linking the harbour with two of the
        region's biggest hub ports.

        Container volumes rose by 18%, while bulk cargo, mostly grain and timber, was flat.
        The harbour authority's profit before tax rose to £14.6m.

        The chief executive, Martin Faulkes, said the feeder service had brought in customers
        who used to send goods by road to larger ports further south, cutting lorry journeys
        on the motorway.

        ## Room to grow

        The authority plans to spend £40m on a new quay wall and two electric cranes. It has
        applied for permission to reclaim a strip of land at the end of the north quay, which
        environmental groups oppose because of its effect on feeding grounds for wading birds.

        > We have to grow, but we also have to live alongside the estuary. We will show that
        the two can go together, or we will not build it. | Martin Faulkes, chief executive
        of Kelbridge Harbour Authority

        A public inquiry into the reclamation plan is expected later in the year.
        """,
    ),
    Story(
        slug="tidewell-energy-raises-funding",
        section="Business",
        headline="Tidal power start-up Tidewell raises £18m to build its first full turbine",
        standfirst=(
            "The University of Kelbridge spin-out will test a 1MW machine in the fast water "
            "off Gull Point"
        ),
        authors=("Tom Brannigan", "Priya Raman"),
        tags=("Energy", "Start-ups", "Renewables"),
        topics=(org("Tidewell Energy"), person("Jonah Petrakis"), org("University of Kelbridge")),
        caption="A scale model of the Tidewell turbine in the university's test tank.",
        body="""
        Tidewell Energy, a company spun out of the University of Kelbridge's engineering
        department, has raised £18m from investors to build and test its first full-size
        tidal turbine.

        The machine, rated at one megawatt, will be moored in the channel off Gull Point,
        where the tide runs at up to four metres a second. Its blades sit on a floating frame
        that can be towed back to harbour for repairs, which the company says will cut the
        cost of maintenance compared with turbines fixed to the seabed.

        The funding round was led by a clean energy fund and included two of the region's
        power companies.

        > Everyone knows the tide comes in twice a day. What nobody has managed yet is to
        make it pay. That is the problem we were set up to solve. | Jonah Petrakis, chief
        executive of Tidewell Energy

        Tidewell employs 34 people in a former chandlery on the waterfront. The turbine is
        due to be installed next summer and will feed power into the local grid.

        If the test succeeds, the company hopes to build an array of twenty machines, enough
        to power about 15,000 homes.
        """,
    ),
    Story(
        slug="city-centre-empty-shops-fall",
        section="Business",
        headline="Empty shops in Kelbridge city centre fall for first time in six years",
        standfirst=(
            "Independent traders and food businesses are filling units left by chains, but "
            "landlords say rents remain under pressure"
        ),
        credit="reports Courier Staff",
        authors=("Tom Brannigan",),
        tags=("Retail", "High street", "Economy"),
        topics=(place("Lantern Street"), org("Kelbridge Business Improvement District")),
        caption="New shopfronts on Lantern Street, where six units have been let this year.",
        body="""
        The share of empty shop units in Kelbridge city centre has fallen for the first time
        in six years, according to a count by the city's business improvement district.

        Of 412 units surveyed, 61 were empty, down from 74 a year earlier. Most of the new
        tenants are independent businesses, including cafés, a record shop, two bike repair
        workshops and a shop selling refills of household goods.

        Lantern Street, which lost three national chains in a single year, has seen the
        biggest change, with six units let since January.

        > A few years ago landlords would rather keep a shop empty than lower the rent. Now
        many of them have accepted that the old rents are not coming back. | Sadia Khan,
        manager of the Kelbridge Business Improvement District

        Some traders said short leases and rising energy bills still made it hard to plan.
        The council has offered reduced business rates for a year to firms that take on
        long-empty units.
        """,
        also_read=("council-budget-keeps-library-hours",),
    ),
    Story(
        slug="saltings-brewery-employee-ownership",
        section="Business",
        headline="Saltings Brewery passes into the hands of its staff",
        standfirst=(
            "The founders have sold the company to an employee trust rather than to one of "
            "the large drinks groups that had made offers"
        ),
        authors=("Tom Brannigan",),
        tags=("Employee ownership", "Brewing", "Small business"),
        topics=(org("Saltings Brewery"), person("Ewan Castell"), place("The Saltings")),
        caption="The brewhouse at Saltings Brewery, now owned by its staff.",
        body="""
        The founders of Saltings Brewery have sold the business to its 42 employees through an
        employee ownership trust, turning down approaches from two national drinks companies.

        Ewan Castell and Mira Castell set up the brewery in a former boat shed twelve years ago.
        It now sells beer to more than 300 pubs and shops, and its taproom on the riverbank is
        one of the busiest in the city.

        Under the deal, the trust will pay the founders from the brewery's profits over the
        next eight years. Staff will receive a share of profits each year, tax free up to a
        limit, and will elect two members of the board.

        > We could have sold it for more to someone else. But we would have been selling
        the people who built it, and that did not sit right with either of us. | Ewan
        Castell, co-founder

        Both founders will stay on for at least two years. The brewery says there will be no
        change to its beers or its suppliers.
        """,
    ),
    Story(
        slug="credit-union-deposit-savings",
        section="Business",
        headline="Credit union launches scheme to help renters save for a deposit",
        standfirst=(
            "Members who save every month for a year will be able to borrow the rest of a "
            "tenancy deposit at a low fixed rate"
        ),
        credit="reports Courier Staff",
        authors=("Hannah Lisle",),
        tags=("Personal finance", "Housing", "Renting"),
        topics=(org("Kelbridge Credit Union"), person("Bola Adeyinka")),
        body="""
        Kelbridge Credit Union has launched a savings scheme aimed at people who struggle to
        find a deposit when they move from one rented home to another.

        Members who save at least £25 a month for twelve months will be able to borrow up to
        £1,200 towards a deposit at a fixed rate well below that charged by high-cost lenders.
        Repayments can be taken straight from wages through a number of local employers.

        The credit union says many tenants are caught between two deposits: the old landlord
        has not yet returned theirs when the new one asks to be paid.

        > People were coming to us after they had already gone to a payday lender, when the
        damage was done. We wanted to meet them earlier. | Bola Adeyinka, chief executive of
        Kelbridge Credit Union

        The scheme is backed by a grant from a housing charity, which covers the cost of any
        loans that are not repaid in the first two years. The credit union has 11,000 members
        and branches in the city centre and Northgate.
        """,
    ),
    Story(
        slug="kell-valley-water-bills-rise",
        section="Business",
        headline="Water bills to rise by 6% to pay for pipe replacement",
        standfirst=(
            "Kell Valley Water says the money will go on replacing 120 miles of leaking mains, "
            "but customers point to the dividends paid to its owners"
        ),
        authors=("Tom Brannigan",),
        tags=("Utilities", "Water", "Cost of living"),
        topics=(org("Kell Valley Water"), person("Graham Selby")),
        caption="Workers replace a section of Victorian water main in Northgate.",
        body="""
        Customers of Kell Valley Water will see their bills rise by an average of 6% from
        April, taking the typical household bill to about £470 a year.

        The company says the increase will pay for the replacement of 120 miles of old water
        mains over five years, many of them laid more than a century ago. About a fifth of
        the water it treats is lost through leaks before it reaches a tap.

        ## Dividends questioned

        Consumer groups pointed out that the company paid £38m in dividends to its owners
        last year and asked why shareholders were not paying a larger share of the cost.

        > Customers are being asked to pay for work that should have been done years ago,
        while the owners have been paid handsomely all along. | Graham Selby, Westmoor
        Consumer Council

        Kell Valley Water said dividends had been cut by half this year and that its owners
        had put £60m of new money into the business. It said households struggling to pay
        could apply for a social tariff, which can cut bills by up to 45%.
        """,
    ),
]
