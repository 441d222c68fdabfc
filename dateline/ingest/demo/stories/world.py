"""World: the invented neighbouring states across the Northern Sea."""

from dateline.ingest.demo.spec import Story, org, person, place

STORIES = [
    Story(
        slug="estmark-halvoy-ferry-treaty",
        section="World",
        headline="Estmark and Halvoy sign treaty to restore ferry route closed for a decade",
        standfirst=(
            "The agreement ends a long dispute over harbour fees and should bring back a "
            "crossing that once carried half a million passengers a year"
        ),
        credit="reports Courier Staff",
        authors=("Daniel Achterberg",),
        tags=("Diplomacy", "Ferries", "Transport"),
        topics=(place("Estmark"), place("Halvoy"), person("Ana Lindqvist")),
        located="PORT SOLENNE",
        caption="The ferry terminal at Port Solenne, unused since the route closed.",
        body="""
        The governments of Estmark and Halvoy have signed a treaty that clears the way for
        passenger ferries to sail between their capitals again, ten years after the route
        closed in a row over who should pay for harbour dredging.

        Under the agreement, each country will pay for the channel on its own side of the
        strait, and a joint board will set harbour fees for five years at a time. Both
        parliaments must still ratify the treaty, which is expected to happen before the
        summer recess.

        ## A route that shaped two towns

        Before it closed, the crossing carried about half a million people a year, many of
        them workers who lived on one side of the strait and worked on the other. The towns
        at each end lost shops, hotels and hundreds of jobs when the ships stopped.

        > For ten years we have been two countries looking at each other across twenty miles
        of water and pretending the other was not there. That ends today. | Ana Lindqvist,
        Halvoy's foreign minister

        Two operators have already said they will bid for the route. Sailings could resume
        within eighteen months if the terminals, which have stood empty since the closure,
        can be repaired in time.

        Freight hauliers welcomed the deal but said they wanted the new board to include a
        seat for the companies that would use the route most.
        """,
    ),
    Story(
        slug="fisheries-commission-cuts-cod-quota",
        section="World",
        headline="Fisheries commission cuts Northern Sea cod quota by a fifth",
        standfirst=(
            "Scientists had called for deeper cuts after two poor breeding years, while "
            "fishing crews warn that smaller boats may not survive"
        ),
        authors=("Daniel Achterberg", "Priya Raman"),
        tags=("Fishing", "Environment", "Oceans"),
        topics=(org("Northern Seas Fisheries Commission"), place("Northern Sea")),
        located="VARN",
        caption="Trawlers tied up in harbour while the commission met.",
        body="""
        The Northern Seas Fisheries Commission has cut next year's cod catch limit by 20%,
        after two years in which surveys found fewer young fish than at any time since
        records began.

        Delegates from the seven member states met for three days in Varn before agreeing
        the cut, which is smaller than the 35% recommended by the commission's own scientific
        advisers. Limits on haddock and plaice were left unchanged.

        Fishing organisations said the decision would still hurt. Many small boats rely on
        cod for most of their income, and a previous cut six years ago was followed by the
        loss of about one in eight vessels in the fleet.

        > We accept that the stock needs protecting. What we do not accept is being told the
        same thing every few years without anyone asking what happens to the harbours when
        the boats are gone. | Tomas Brenner, Federation of Inshore Fishermen

        Marine scientists said the commission had once again stopped short of the advice.
        They warned that a smaller cut now could mean a harder one later if breeding does not
        recover.

        The commission said it would hold an extra review in the autumn, when the results of
        this year's survey are known.
        """,
        also_read=("harbour-seal-count-rises",),
    ),
    Story(
        slug="serran-republic-snap-election",
        section="World",
        headline="Serran Republic heads for snap election after coalition collapses",
        standfirst=(
            "The prime minister lost a confidence vote over pension reform and will lead a "
            "caretaker government until polling day"
        ),
        credit="reports Courier Staff",
        authors=("Daniel Achterberg",),
        tags=("Politics", "Elections"),
        topics=(place("Serran Republic"), person("Matteo Corvell"), org("Serran Parliament")),
        located="CASTRE",
        caption="Members of the Serran parliament leave the chamber after the vote.",
        body="""
        The Serran Republic will hold an early general election in eight weeks, after the
        governing coalition fell apart over plans to raise the pension age.

        Prime Minister Matteo Corvell lost a confidence vote by 104 votes to 97 when the
        smaller of his two coalition partners voted with the opposition. He will stay in office
        as head of a caretaker government, with no power to introduce new laws.

        The pension plan would have raised the retirement age from 63 to 66 over twelve
        years. Unions held two national strikes against it, and polls suggested most voters
        opposed it.

        ## An open contest

        No party is polling above 30%, and analysts expect another coalition. The main
        opposition party has promised to scrap the reform, while a new centrist movement,
        founded last year, says it would put the pension age to a referendum.

        > The government tried to do something difficult without first explaining why it was
        necessary. Now the voters will decide who gets to explain it next. | Dr Helena Varga,
        political scientist at the University of Castre

        It will be the republic's third general election in five years.
        """,
    ),
    Story(
        slug="tessaly-water-rationing",
        section="World",
        headline="Tessaly rations water as reservoirs fall to lowest level in forty years",
        standfirst=(
            "Households in the south will get running water for sixteen hours a day, and "
            "farmers face limits on irrigation"
        ),
        authors=("Daniel Achterberg",),
        tags=("Drought", "Climate", "Water"),
        topics=(place("Tessaly"), org("Tessaly Water Authority")),
        located="MERIDA VALE",
        caption="The exposed bed of the Merida reservoir after months without rain.",
        body="""
        The government of Tessaly has introduced water rationing in four southern provinces
        after a dry winter left the main reservoirs at less than a quarter of their capacity.

        From next week, the mains supply to homes will be cut between ten at night and six in
        the morning. Swimming pools may not be filled, car washes must recycle their water,
        and farmers will be given a fixed allowance for irrigation based on the size of
        their land.

        The water authority said the measures would be reviewed every month. Hospitals,
        schools and care homes are exempt.

        > Nobody in this office wanted to do this. But if we wait until the taps run dry in
        August, we will have far fewer choices than we have today. | Lucia Estrán, director
        of the Tessaly Water Authority

        Farmers' groups said the allowance was too small for fruit growers, whose trees need
        water every year whatever the weather, and asked for compensation. The agriculture
        ministry said it was preparing a support fund.

        Tessaly has had three of its five driest winters on record in the past decade.
        Engineers are building a desalination plant on the south coast, but it is not
        expected to open for another two years.
        """,
    ),
    Story(
        slug="coastal-states-shipping-emissions-cap",
        section="World",
        headline="Coastal states agree cap on ship emissions in shared waters",
        standfirst=(
            "Vessels entering the Northern Sea will have to use cleaner fuel or plug into "
            "shore power while in port"
        ),
        credit="reports Courier Staff",
        authors=("Daniel Achterberg",),
        tags=("Shipping", "Environment", "Climate"),
        topics=(org("Coastal States Forum"), place("Northern Sea"), person("Ines Haldane")),
        located="PORT SOLENNE",
        caption="A container ship at anchor off Port Solenne.",
        body="""
        The nine members of the Coastal States Forum have agreed to create a low-emission
        zone covering the whole of the Northern Sea, the first of its kind in the region.

        From the start of the year after next, ships over 5,000 tonnes will have to burn fuel
        with a sulphur content below a set limit throughout the zone, and connect to shore
        electricity at any berth that offers it rather than running their engines in port.

        The forum's chair, Ines Haldane, said the rules would cut the air pollution that
        affects port cities, where diesel fumes from idling ships are a large share of the
        soot in the air.

        ## Ports race to fit connections

        Only a few ports in the region have shore power today. The forum has set up a fund to
        help smaller harbours install the cables and transformers, but harbour managers say
        the deadline is tight.

        > The ships will be ready long before the ports are. We need to move from studies to
        spades this year. | Ines Haldane, chair of the Coastal States Forum

        Shipping companies said they supported a common standard across the region rather
        than a patchwork of national rules, but warned that cleaner fuel would raise freight
        costs.
        """,
        also_read=("harbour-container-volumes-record",),
    ),
    Story(
        slug="varn-driverless-metro-opens",
        section="World",
        headline="Varn opens its first driverless metro line",
        standfirst=(
            "Trains every ninety seconds at peak times link the airport, the old town and a "
            "new university campus"
        ),
        authors=("Daniel Achterberg",),
        tags=("Transport", "Cities", "Technology"),
        topics=(place("Varn"), place("Estmark"), org("Varn Transit")),
        located="VARN",
        caption="Passengers on the opening day of Varn's new metro line.",
        body="""
        The Estmark capital, Varn, has opened a 19km driverless metro line, the biggest
        transport project in the country's history.

        Trains run without staff in the cab, controlled from a centre beside the main depot.
        At peak times they will arrive every ninety seconds, and the journey from the airport
        to the old town takes 22 minutes, compared with almost an hour by bus.

        Platforms have glass screens with doors that open only when a train has stopped,
        which the operator says will prevent falls onto the track and allow trains to run
        closer together.

        > My grandmother rode the first tram in this city. Today I brought my daughter to ride
        the first metro. I think that is how a city grows up. | Piet Marlow, who queued from
        five in the morning

        The line cost almost twice its original budget and opened three years late, after
        tunnelling under the old town took longer than expected. A second line is planned,
        but the government has not yet decided how to pay for it.
        """,
    ),
    Story(
        slug="estmark-flood-aid-convoy",
        section="World",
        headline="Aid convoy reaches flood-hit towns in southern Estmark",
        standfirst=(
            "Roads washed away by three days of rain are being reopened as the army brings in "
            "food, drinking water and generators"
        ),
        credit="reports Courier Staff",
        authors=("Daniel Achterberg",),
        tags=("Floods", "Aid", "Weather"),
        topics=(place("Estmark"), org("Estmark Red Cross")),
        located="LOWENFELD",
        caption="Volunteers unload drinking water in the centre of Lowenfeld.",
        body="""
        A convoy of army lorries carrying food, drinking water and generators has reached the
        town of Lowenfeld, in southern Estmark, where floodwater cut off roads for four days.

        About 12,000 people live in the river valley around the town. Many spent the weekend
        on upper floors or in a school on the hillside that volunteers turned into a shelter.
        Officials said six people had been injured and nobody had died.

        The rain, more than a month's worth in three days, swelled two rivers that meet at
        the edge of the town. The main road into the valley was washed away in two places.

        ## Cleaning up

        Engineers have built a temporary bridge over the worst of the gaps. Electricity has
        returned to most homes, but the water company has told residents to boil tap water
        until tests show it is safe.

        > The water came up through the floor faster than we could lift the furniture. We
        saved the photographs and the cat, and I think that is enough. | Klara Meisner,
        Lowenfeld resident

        The government has promised emergency grants to households and businesses, and the
        Estmark Red Cross has opened an appeal.
        """,
    ),
    Story(
        slug="serran-central-bank-holds-rates",
        section="World",
        headline="Serran central bank holds rates as inflation eases",
        standfirst=(
            "Policymakers said price rises were slowing but warned that the election "
            "campaign could unsettle markets"
        ),
        authors=("Tom Brannigan",),
        tags=("Economy", "Interest rates"),
        topics=(place("Serran Republic"), org("Serran Central Bank"), person("Oskar Delaune")),
        located="CASTRE",
        body="""
        The Serran Central Bank has kept its main interest rate at 4.25% for a third meeting
        in a row, saying that inflation was falling but not yet fast enough to justify a cut.

        Consumer prices rose by 3.4% in the year to last month, down from a peak of almost 9%
        two years ago. Food and energy prices have steadied, but the cost of services, from
        haircuts to rents, is still rising quickly.

        The bank's governor, Oskar Delaune, said the board had discussed a cut but decided
        to wait for more evidence that wage growth was slowing.

        > We are closer to the end of this journey than to the beginning. But the last part
        of the road is often the hardest to judge. | Oskar Delaune, governor of the Serran
        Central Bank

        Some economists had expected a cut, and the currency rose slightly after the
        announcement. Mr Delaune declined to comment on the snap election, saying only that
        the bank would look through short-term movements in markets.
        """,
        also_read=("serran-republic-snap-election",),
    ),
]
