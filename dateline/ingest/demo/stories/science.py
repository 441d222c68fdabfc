"""Science: the university, the hospital and the estuary."""

from dateline.ingest.demo.spec import Story, org, person, place

STORIES = [
    Story(
        slug="seagrass-meadow-first-growth",
        section="Science",
        headline="Seagrass replanted in the Kell estuary shows its first signs of spreading",
        standfirst=(
            "Divers and volunteers planted a million seeds two years ago; surveys now find "
            "new shoots beyond the edge of the original plots"
        ),
        credit="reports Priya Raman",
        authors=("Priya Raman",),
        tags=("Marine biology", "Conservation", "Climate"),
        topics=(
            org("University of Kelbridge"),
            person("Ingrid Solberg"),
            place("Kell estuary"),
        ),
        caption="A diver surveys a restored seagrass plot at low water.",
        inset="Seeds were packed into hessian bags and lowered onto the mud by hand.",
        body="""
        A seagrass meadow planted in the Kell estuary two years ago has begun to spread beyond
        the plots where it was sown, the first sign that the restoration project could become
        self-sustaining.

        Researchers from the University of Kelbridge, working with volunteers, planted about a
        million seeds in hessian bags across four hectares of mudflat. Surveys this spring found
        that shoots covered 60% of the planted area, and that new plants had appeared up to
        fifteen metres outside it.

        ## Why seagrass matters

        Seagrass once covered large parts of the estuary but was almost wiped out in the last
        century by disease, pollution and dredging. Meadows shelter young fish, calm the water
        and store carbon in the sediment beneath them.

        > Seeing shoots outside the plots is the moment we were waiting for. It means the
        meadow is beginning to do the work itself, rather than relying on us. | Professor
        Ingrid Solberg, marine biologist at the University of Kelbridge

        The team is measuring how much carbon the new meadow stores and which fish species
        are using it. Early results suggest that juvenile pollack and pipefish are already
        more common over the planted plots than over bare mud.

        The project now plans to plant a further ten hectares, using seed collected from the
        restored meadow itself.
        """,
        also_read=("harbour-seal-count-rises",),
    ),
    Story(
        slug="amateur-astronomer-spots-comet",
        section="Science",
        headline="Amateur astronomer at Kelbridge Observatory spots new comet",
        standfirst=(
            "A retired maths teacher found the faint smudge while checking images from the "
            "observatory's refurbished telescope"
        ),
        authors=("Priya Raman",),
        tags=("Astronomy", "Space"),
        topics=(person("Derek Ambrose"), org("Kelbridge Observatory"), person("Kwame Mensah")),
        caption="The dome of Kelbridge Observatory on Cooper's Hill at dusk.",
        body="""
        A comet never seen before has been discovered by a volunteer at Kelbridge Observatory,
        and will carry his name.

        Derek Ambrose, a retired maths teacher, noticed a faint, fuzzy object that moved
        slightly between images taken forty minutes apart. Observers at two professional
        observatories confirmed the sighting within a day, and it has been officially
        recorded as a new comet.

        The comet is currently far beyond the orbit of Mars and is too faint to be seen
        without a large telescope. Astronomers expect it to brighten as it moves closer to the
        Sun over the next year, though it is unlikely to become visible to the naked eye.

        > I have looked at thousands of images and almost all of them show exactly what they
        should. You keep looking because of the one that does not. | Derek Ambrose

        The observatory's telescope was refurbished last year with a grant and now takes
        images automatically on clear nights. Dr Kwame Mensah, who leads the university's
        astronomy group, said the discovery showed what careful amateurs could achieve with
        modern equipment.
        """,
    ),
    Story(
        slug="saltings-wreck-dated-by-tree-rings",
        section="Science",
        headline="Timbers from Saltings wreck date it to the 1500s, tree rings show",
        standfirst=(
            "The ship found in the marsh after a storm is a century older than archaeologists "
            "first thought"
        ),
        credit="reports Courier Staff",
        authors=("Priya Raman",),
        tags=("Archaeology", "History", "Maritime history"),
        topics=(place("The Saltings"), person("Lucy Tremain"), org("University of Kelbridge")),
        caption="Oak frames of the Saltings wreck exposed at low tide.",
        body="""
        A wooden ship uncovered in the Saltings marsh by a winter storm was built in the middle
        of the 16th century, according to tree-ring dating of its oak frames.

        When the wreck was found, archaeologists thought it was a coastal trading vessel from
        the 1600s. Samples sent for analysis showed that the trees used to build it were felled
        between 1548 and 1560, making it one of the oldest ships ever found in the region.

        ## Built from local oak

        The pattern of growth rings matched oak from woodland in the upper Kell Valley,
        suggesting the ship was built close to where it sank. Some of the planks had been
        reused from an even older vessel.

        > We thought we had found a ship. It turns out we have found a shipyard's whole way of
        working, including its habit of saving the good timber from one boat for the next. |
        Dr Lucy Tremain, archaeologist at the University of Kelbridge

        The wreck lies in a part of the marsh that floods on every tide, and the team is
        racing to record it before the mud that protected it for centuries is washed away. A
        digital model of the hull will be made available online.
        """,
        also_read=("museum-restores-ship-figurehead",),
    ),
    Story(
        slug="school-air-quality-sensors",
        section="Science",
        headline="Pupils' air sensors map pollution hot spots on the school run",
        standfirst=(
            "Children at six schools carried small monitors for a month and found the dirtiest "
            "air outside their own gates"
        ),
        authors=("Priya Raman", "Hannah Lisle"),
        tags=("Air quality", "Health", "Education"),
        topics=(org("University of Kelbridge"), place("Greyfriars"), person("Amir Bakshi")),
        caption="A pupil fits an air sensor to her school bag.",
        body="""
        Pupils at six Kelbridge primary schools have produced a detailed map of air pollution
        on their way to school, using pocket-sized sensors built with help from university
        engineers.

        More than 300 children carried the sensors on their bags for a month. The devices
        measured fine particles and logged their position every ten seconds, producing about
        four million readings.

        The highest levels were found not on main roads but directly outside school gates at
        drop-off time, when queues of cars sat with their engines running.

        > The children were quite cross when they saw the results, and they had every right
        to be. They are breathing the worst of it in the few minutes before the bell. | Dr
        Amir Bakshi, environmental engineer at the University of Kelbridge

        Two of the schools have since asked the council to close their roads to traffic at
        the start and end of the day. The researchers plan to repeat the study next winter,
        when pollution is usually higher.
        """,
    ),
    Story(
        slug="hospital-wearable-monitors-cut-readmissions",
        section="Science",
        headline="Wearable monitors cut readmissions among heart patients, trial finds",
        standfirst=(
            "Patients sent home with a wrist sensor were a third less likely to return to "
            "hospital within a month"
        ),
        credit="reports Courier Staff",
        authors=("Hannah Lisle", "Priya Raman"),
        tags=("Health", "Medical research", "Technology"),
        topics=(org("Kelbridge General Hospital"), person("Farah Qureshi"), person("Ben Achara")),
        caption="A heart failure nurse checks readings from the wrist monitors.",
        body="""
        Heart failure patients who wore a wrist monitor after leaving Kelbridge General
        Hospital were a third less likely to be readmitted within thirty days than those who
        did not, according to a trial run at the hospital.

        The device measures heart rate, movement and fluid build-up in the body. Readings are
        sent to a team of specialist nurses, who phone the patient if the numbers suggest
        their condition is getting worse.

        The trial included 420 patients over two years. Among those with a monitor, 11% were
        readmitted within a month, compared with 17% of those who received usual care.

        ## Catching problems early

        The nurses said the most common reason for a call was a sudden gain in fluid, which
        can often be treated by adjusting medication at home before the patient becomes
        breathless.

        > Many of these patients used to come back through A&E in the middle of the night.
        Now we often see the warning signs days before, and we can act on them over the
        phone. | Dr Ben Achara, cardiologist, who led the trial

        The results have been submitted to a medical journal. The hospital plans to offer the
        monitors to all heart failure patients from next year.
        """,
    ),
    Story(
        slug="rare-bats-roosting-in-st-brannocs-tower",
        section="Science",
        headline="Rare bats found roosting in St Brannoc's church tower",
        standfirst=(
            "A survey before repairs to the roof turned up a colony of a species not "
            "recorded in the county for thirty years"
        ),
        authors=("Priya Raman",),
        tags=("Wildlife", "Bats", "Conservation"),
        topics=(place("St Brannoc's Church"), org("Westmoor Bat Group"), person("Cerys Vaughan")),
        caption="St Brannoc's church tower, where the colony was found.",
        body="""
        A colony of rare bats has been found living in the tower of St Brannoc's church, during
        a survey carried out before repairs to the roof.

        Volunteers from the Westmoor Bat Group counted 46 animals leaving the tower at dusk.
        Recordings of their calls, confirmed by a specialist, showed that they belong to a
        species that has not been recorded in the county for thirty years.

        The repairs will go ahead, but the work will be done in winter, when the bats have
        moved elsewhere to hibernate, and gaps will be left in the new roof so they can return.

        > We expected to find a few common pipistrelles. When the recordings came back, I had
        to play them three times before I believed them. | Cerys Vaughan, Westmoor Bat Group

        The church plans to install a small camera in the tower so that visitors can watch the
        colony from the nave without disturbing it.
        """,
        also_read=("saltings-boardwalk-volunteers",),
    ),
    Story(
        slug="harbour-seal-count-rises",
        section="Science",
        headline="Seal numbers in the estuary at highest level since counts began",
        standfirst=(
            "The annual survey recorded 312 harbour seals, almost double the number of a decade "
            "ago, as fish return to cleaner water"
        ),
        credit="reports Courier Staff",
        authors=("Priya Raman",),
        tags=("Wildlife", "Oceans", "Conservation"),
        topics=(place("Kell estuary"), org("Kell Estuary Trust"), person("Ingrid Solberg")),
        caption="Harbour seals hauled out on a sandbank at the mouth of the Kell.",
        body="""
        The number of harbour seals in the Kell estuary has reached its highest level since
        counts began, according to the annual survey carried out by the Kell Estuary Trust.

        Observers counting from boats and from the shore recorded 312 seals resting on
        sandbanks at low tide, compared with 168 ten years ago. Pup numbers were also the
        highest on record.

        Scientists link the rise to cleaner water after upgrades to the city's sewage works,
        and to the recovery of fish such as sand eels and flatfish in the estuary.

        > Seals are a good sign of a healthy estuary, because they sit at the top of the
        food chain. When they do well, a lot of other things are doing well underneath them.
        | Professor Ingrid Solberg

        The trust has asked boat users and walkers to keep at least 100 metres from seals on
        the sandbanks, especially during the pupping season in early summer, when
        disturbance can separate mothers from their young.
        """,
    ),
    Story(
        slug="lithium-recovered-from-old-batteries",
        section="Science",
        headline="Kelbridge chemists recover lithium from old batteries at low temperature",
        standfirst=(
            "A new process uses a mild acid made from food waste and could cut the energy "
            "needed for recycling by more than half"
        ),
        authors=("Priya Raman",),
        tags=("Chemistry", "Recycling", "Energy"),
        topics=(org("University of Kelbridge"), person("Marta Kowalczyk")),
        caption="Samples of recovered lithium salts in the university's chemistry laboratory.",
        body="""
        Chemists at the University of Kelbridge have developed a way to recover lithium and
        cobalt from used batteries at the temperature of a warm bath, rather than in furnaces
        or with strong acids.

        The process uses a mild acid produced by fermenting food waste. In laboratory tests, it
        recovered 92% of the lithium from shredded battery material in about six hours, and
        the team estimates that it needs less than half the energy of methods in use today.

        ## From the lab to the plant

        The researchers have so far worked with batches of a few kilograms. A recycling company
        has agreed to help test the method at a larger scale next year.

        > Batteries are full of valuable metals, and at the moment a lot of them are lost or
        recovered in ways that use a great deal of energy. We wanted something gentler that a
        smaller plant could run. | Dr Marta Kowalczyk, who led the research

        The university has applied for a patent. The work was funded by a national research
        council and published in a chemistry journal this month.
        """,
    ),
]
