"""News: the city of Kelbridge and its council, hospital, schools and streets."""

from dateline.ingest.demo.spec import Story, org, person, place

STORIES = [
    Story(
        slug="kell-swing-bridge-reopens",
        section="News",
        headline="Kell swing bridge reopens to walkers and cyclists after 14 months of repairs",
        standfirst=(
            "The 1890s crossing is back in use, but drivers face a weight limit until the last "
            "of the deck plates are replaced in spring"
        ),
        credit="reports Courier Staff",
        authors=("Maya Okafor",),
        tags=("Transport", "Infrastructure", "Harbour"),
        topics=(
            place("Kelbridge"),
            place("River Kell"),
            org("Kelbridge City Council"),
            person("Sunita Vale"),
        ),
        caption="The Kell swing bridge on the morning it reopened to foot and cycle traffic.",
        inset="Engineers tested the turning mechanism twice before the barriers came down.",
        body="""
        The swing bridge that links Eastquay with the old town reopened to pedestrians and
        cyclists at seven o'clock this morning, ending a closure that began when inspectors
        found corrosion in the iron girders beneath the deck.

        A small crowd of commuters waited at the barriers, and a few applauded when council
        staff lifted them. Several said the detour via the Northgate road bridge had added
        twenty minutes to every journey.

        ## A slower job than planned

        The repairs were meant to take eight months. The council says the delay came from the
        discovery of a second, older layer of rivets that had to be removed by hand, and from
        a three-week wait for replacement steel rolled to the Victorian profile.

        > We could have put a modern deck on it in half the time, but then it would no longer
        be the Kell bridge. People told us clearly that they wanted it kept. | Sunita Vale,
        cabinet member for transport

        Cars and vans will be allowed back over the bridge from next week, but vehicles heavier
        than 7.5 tonnes remain barred until the final deck plates are fitted. Buses will keep
        using the diversion until then.

        The bill for the work has risen from £4.1m to £5.6m. Opposition councillors have asked
        for a report on why the cost estimate missed the second layer of rivets, and the
        council's audit committee is due to discuss it next month.

        The bridge still swings open for tall ships a handful of times a year. The first
        opening since the repairs is planned for the Harbour Lights festival in the summer.
        """,
        also_read=("eastquay-flood-wall-work-begins",),
    ),
    Story(
        slug="council-budget-keeps-library-hours",
        section="News",
        headline="Council budget keeps library hours but raises city-centre parking charges",
        standfirst=(
            "Kelbridge's spending plan for next year closes a £9m gap with savings, reserves "
            "and a rise in charges that traders say will keep shoppers away"
        ),
        authors=("Maya Okafor",),
        tags=("Politics", "Council", "Libraries"),
        topics=(
            org("Kelbridge City Council"),
            person("Ruth Adeyemi"),
            person("Gareth Pryce"),
        ),
        caption="Councillors debated the budget for more than five hours before the vote.",
        body="""
        Kelbridge City Council has approved a budget that leaves the opening hours of its
        eleven branch libraries untouched, after a campaign that gathered more than 14,000
        signatures in six weeks.

        The plan was passed by 31 votes to 22 after a debate that ran past eleven at night.
        To fill the gap left by rising care costs, the council will draw £3m from reserves,
        cut 40 posts mostly through vacancies, and raise the price of an hour's parking in
        the city centre from £1.80 to £2.40.

        ## Traders warn of empty streets

        The Lantern Street Traders' Association said the parking rise would push shoppers
        towards the out-of-town retail park, where parking is free. Its chair, Dev Sandhu, who
        runs a hardware shop on Lantern Street, said footfall was only now returning to where
        it had been five years ago.

        > Every pound on the parking meter is a pound people do not spend in our shops. We
        asked for a longer free period on Saturdays and we were not even given a meeting. |
        Dev Sandhu, Lantern Street Traders' Association

        The council leader, Ruth Adeyemi, said the charges had not risen for six years and
        were still below those of neighbouring towns. She said the council would review the
        effect on footfall after six months.

        The opposition leader, Gareth Pryce, whose group proposed closing two libraries on
        Sunday afternoons instead, accused the ruling group of choosing the easy headline. His
        amendment was defeated.

        Council tax for a typical band D home will rise by 4.99%, the most allowed without a
        local referendum.
        """,
    ),
    Story(
        slug="eastquay-flood-wall-work-begins",
        section="News",
        headline="Work begins on Eastquay flood wall after winter surges",
        standfirst=(
            "A 900-metre wall with glass panels is meant to protect 600 homes without hiding "
            "the river from the people who live beside it"
        ),
        credit="reports Courier Staff",
        authors=("Hannah Lisle",),
        tags=("Environment", "Flooding", "Infrastructure"),
        topics=(place("Eastquay"), place("River Kell"), org("Kelbridge Harbour Authority")),
        caption="Contractors set out the line of the new wall along the Eastquay promenade.",
        body="""
        Contractors have started building a flood wall along the Eastquay waterfront, two
        winters after storm surges sent the river over the promenade and into the ground floors
        of more than a hundred homes.

        The wall will run for 900 metres from the fish market to the old coal steps. Most of
        it will stand a little over a metre high, with toughened glass panels along the stretch
        opposite the terraced streets so that residents keep their view of the water.

        Two gates in the wall will stay open for most of the year and close when the
        harbour authority issues a surge warning. Volunteers from the Eastquay residents'
        group have been trained to close them if staff cannot reach the site in time.

        > The last time the water came in I watched it rise up the stairs. I never want to
        do that again, so if it means a year of diggers outside my window, I will put up
        with the diggers. | Brenda Tully, who has lived on Wharf Row for 38 years

        The £12m scheme is paid for mostly by a national flood defence grant, with the
        harbour authority contributing £2m. Work is due to finish before the end of next
        autumn, and the promenade will close in sections while it goes on.

        Campaigners in the Saltings, across the river, say their streets are just as
        exposed and have asked for a similar scheme. The council says a study of the south
        bank will report next year.
        """,
    ),
    Story(
        slug="kelbridge-general-evening-urgent-care",
        section="News",
        headline="Kelbridge General opens evening urgent care clinic to shorten A&E queues",
        standfirst=(
            "Patients with sprains, cuts and minor burns will be seen by nurses and GPs in a "
            "new unit beside the emergency department"
        ),
        authors=("Hannah Lisle",),
        tags=("Health", "Hospitals"),
        topics=(org("Kelbridge General Hospital"), person("Farah Qureshi")),
        caption="The entrance to the new urgent care unit at Kelbridge General Hospital.",
        body="""
        Kelbridge General Hospital has opened an urgent care clinic that runs from four in the
        afternoon until midnight, the hours when its emergency department is at its busiest.

        Staff at the front door of A&E will send patients with minor injuries and illnesses
        to the clinic, where they will be seen by nurse practitioners and GPs rather than
        waiting behind people who have arrived by ambulance.

        During a six-week trial before the official opening, the clinic saw an average of 48
        patients a night, and the share of A&E patients seen within four hours rose from 61%
        to 72%.

        ## Staffing the late shift

        The hospital's medical director, Dr Farah Qureshi, said the hardest part had been
        finding GPs willing to work evenings. The clinic is staffed partly by doctors from
        three city practices who take turns, paid through a local agreement.

        > Most people who come to us at nine at night with a sprained wrist do not need an
        emergency department. They need someone to look at it properly and send them home
        with the right advice, and that is what this unit does. | Dr Farah Qureshi, medical
        director

        Patients are asked to keep calling the non-emergency number first, which can book
        them a time at the clinic and save them the wait.
        """,
        also_read=("hospital-wearable-monitors-cut-readmissions",),
    ),
    Story(
        slug="northgate-tram-extension-approved",
        section="News",
        headline="Tram line to Northgate approved, with first passengers due in three years",
        standfirst=(
            "The 3.2km extension will add five stops and run through the site of the old gas "
            "works, where 1,100 homes are planned"
        ),
        credit="reports Courier Staff",
        authors=("Maya Okafor",),
        tags=("Transport", "Trams", "Housing"),
        topics=(place("Northgate"), org("Kelbridge City Council"), person("Sunita Vale")),
        caption="The extension will follow the old goods railway north of the station.",
        body="""
        The government has approved a 3.2km extension of the Kelbridge tram network to
        Northgate, clearing the last hurdle for a scheme first proposed more than a decade ago.

        The new line will leave the existing route at Station Square and follow the bed of a
        disused goods railway, with five new stops. The busiest is expected to be at the former
        gas works, where a developer has permission for 1,100 homes, a school and a health
        centre.

        Construction is due to start next spring. The council expects trams to run every eight
        minutes at peak times, with the journey from Northgate to the city centre taking 14
        minutes, about half the time the bus takes today.

        ## Questions over the depot

        Residents of Cinder Lane have objected to plans to build a maintenance depot beside
        their gardens and say the noise of trams arriving late at night has not been properly
        assessed. The council has promised an acoustic barrier and a limit on night movements.

        > We are not against the tram. Most of us will use it. We just do not want the depot
        thirty metres from where our children sleep. | Aileen Ford, Cinder Lane residents'
        group

        The extension is expected to cost £148m, of which £120m comes from a national
        transport fund.
        """,
        also_read=("kell-swing-bridge-reopens",),
    ),
    Story(
        slug="school-lunches-local-growers",
        section="News",
        headline="City schools switch to local growers for lunches",
        standfirst=(
            "Vegetables from farms within 30 miles of Kelbridge will make up most of what "
            "children eat at lunchtime from next term"
        ),
        authors=("Hannah Lisle",),
        tags=("Education", "Food", "Farming"),
        topics=(org("Kelbridge City Council"), place("Kell Valley")),
        caption="Pupils at Greyfriars Primary tried the new menu during a tasting week.",
        body="""
        Thirty-four primary schools in Kelbridge will buy most of their fresh vegetables from
        farms in the Kell Valley from next term, under a contract that replaces a national
        catering supplier.

        A cooperative of nine growers will deliver to a central kitchen in Northgate three
        times a week. The council says the change will cost about the same as the old
        contract, because the cooperative does not charge for storage and transport over long
        distances.

        Menus will change with the seasons. Cooks who trialled the scheme at Greyfriars
        Primary said children ate more of their vegetables when they had helped choose the
        recipes during a tasting week.

        > The carrots come out of the ground on Monday and they are on a plate by Wednesday.
        You can taste it, and so can the children, even the fussy ones. | Marion Achebe, head
        cook at Greyfriars Primary

        Farmers in the cooperative say the contract gives them a steady buyer through the
        winter, when they have struggled to sell to supermarkets. Two of them have taken on
        extra staff.

        Secondary schools are not part of the scheme yet, but the council says it will
        consider extending it once the first year has been assessed.
        """,
    ),
    Story(
        slug="ropewalk-warehouse-fire",
        section="News",
        headline="Fire crews tackle blaze at empty Ropewalk warehouse",
        standfirst=(
            "Smoke could be seen across the city as sixty firefighters fought to stop the "
            "flames spreading to neighbouring flats"
        ),
        credit="reports Courier Staff",
        authors=("Hannah Lisle", "Maya Okafor"),
        tags=("Fire", "Emergency services"),
        topics=(place("Ropewalk"), org("Westmoor Fire and Rescue Service")),
        caption="Smoke rising above the Ropewalk warehouse late in the evening.",
        body="""
        Sixty firefighters spent most of the night tackling a fire at a disused warehouse on
        Ropewalk, close to the harbour, which sent a column of smoke over the city.

        Westmoor Fire and Rescue Service was called at twenty to ten in the evening. At the
        height of the fire, twelve engines and an aerial ladder platform were at the scene,
        and residents of two nearby blocks of flats were told to keep their windows closed.

        Nobody was hurt. The warehouse, a four-storey brick building used to store net and
        rope until the 1970s, has been empty for years and had been bought by a developer
        who planned to turn it into flats.

        ## Cause under investigation

        Fire investigators will examine the building once it is safe to go inside. The roof
        has collapsed and engineers will decide whether the walls can be saved.

        > Our crews did a remarkable job keeping the fire inside one building on a street
        where everything stands very close together. | Group Commander Neil Asante

        Ropewalk and the lower end of Chandlers Street will stay closed while the site is
        made safe. Bus routes 4 and 12 are being diverted.
        """,
    ),
    Story(
        slug="saltings-boardwalk-volunteers",
        section="News",
        headline="Volunteers rebuild the Saltings boardwalk plank by plank",
        standfirst=(
            "A group of retired joiners, students and birdwatchers has replaced half a mile "
            "of rotten path across the marsh"
        ),
        authors=("Eilidh Rowe",),
        tags=("Community", "Nature", "Volunteering"),
        topics=(place("The Saltings"), org("Friends of the Saltings")),
        caption="Volunteers carry new oak planks onto the marsh at low tide.",
        inset="Each plank is numbered and logged so that rotten ones can be found again.",
        body="""
        For most of last year, the wooden path across the Saltings marsh was closed, its
        planks soft with rot and, in places, missing altogether. This spring, walkers can
        cross it again, thanks to a group of volunteers who rebuilt it by hand.

        The Friends of the Saltings raised £38,000 for the timber, much of it in small
        donations, and recruited more than 80 helpers. They worked in teams on Saturday
        mornings, timed around the tides, carrying each plank out along the sections already
        laid.

        The oak came from a sawmill in the Kell Valley and should last thirty years, twice as
        long as the softwood it replaced. A retired joiner, Frank Odum, taught the younger
        volunteers how to fix the planks so that they would not lift in a flood.

        > Some of these students had never held a drill when they started. By the end they
        were teaching the new people. That is the part I will remember. | Frank Odum,
        volunteer

        Birdwatchers say the rebuilt path has already brought visitors back to see the
        wading birds that winter on the marsh. The group hopes to add a hide at the
        seaward end next year.
        """,
        also_read=("rare-bats-roosting-in-st-brannocs-tower",),
    ),
]
