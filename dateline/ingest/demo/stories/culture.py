"""Culture: galleries, stages, books and festivals of Kelbridge."""

from dateline.ingest.demo.spec import Story, org, person, place

STORIES = [
    Story(
        slug="old-customs-house-reopens-as-gallery",
        section="Culture",
        headline="Old Customs House reopens as a gallery with a show of harbour painters",
        standfirst=(
            "The Georgian building, empty for fifteen years, now holds the city's art "
            "collection and a workshop for local artists"
        ),
        credit="writes Eilidh Rowe",
        authors=("Eilidh Rowe",),
        tags=("Art", "Galleries", "Heritage"),
        topics=(org("Old Customs House Gallery"), person("Imogen Sayer"), place("Eastquay")),
        caption="The Long Room of the Old Customs House, hung with harbour paintings.",
        inset="Conservators cleaned the Long Room's ceiling by hand over four months.",
        body="""
        For most of the last fifteen years, the Old Customs House on the quay was a building
        people walked past without looking up. Its windows were boarded, and pigeons nested
        in the carved stone above the door. This weekend it opens again, as the new home of
        the city's art collection.

        The opening exhibition, Tide and Canvas, brings together more than ninety paintings
        of the harbour made over two centuries, from formal portraits of merchant ships to
        loose, bright studies of the fish market painted by a group of artists who worked in
        Eastquay between the wars.

        ## A room with a view of its subject

        The finest space is the Long Room on the first floor, where merchants once paid their
        duties. Its tall windows look straight onto the water, so visitors can turn from a
        painting of the quay to the quay itself.

        > We wanted people to be able to stand in front of a picture of the harbour and then
        look out of the window at the real thing. The building made that choice for us. |
        Imogen Sayer, director of the Old Customs House Gallery

        The ground floor holds a café and a print workshop that local artists can book by the
        hour. The restoration cost £7.8m, most of it from a heritage fund.

        Entry to the permanent collection is free. Tide and Canvas runs until the end of
        October.
        """,
    ),
    Story(
        slug="kelbridge-book-festival-programme",
        section="Culture",
        headline="Book festival unveils its biggest programme, with events in a lighthouse",
        standfirst=(
            "More than 120 writers will take part over ten days, and for the first time "
            "some events will be held outside the city centre"
        ),
        authors=("Eilidh Rowe",),
        tags=("Books", "Festivals", "Literature"),
        topics=(org("Kelbridge Book Festival"), person("Nadim Farrow"), place("Gull Point")),
        caption="The festival tent in Greyfriars Gardens during last year's event.",
        body="""
        The Kelbridge Book Festival has announced a programme of more than 180 events with 120
        writers, its largest in the festival's 23-year history.

        Alongside the main tent in Greyfriars Gardens, events will be held in libraries in
        Northgate and the Saltings, in a disused chapel, and in the keeper's cottage at the
        Gull Point lighthouse, where audiences of thirty will hear writers read by lamplight.

        The festival director, Nadim Farrow, said the aim was to reach people who did not
        think of the festival as theirs. A quarter of tickets will be free for people on low
        incomes.

        > A festival that only happens in one park, for the same people every year, is not
        really a festival of the city. We wanted to take it to the places where people
        actually live. | Nadim Farrow, festival director

        The programme includes a day of events for teenagers chosen by a panel of school
        pupils, and a series of talks by writers who work in languages other than English.

        Tickets go on sale to members next week and to the general public a week later.
        """,
    ),
    Story(
        slug="review-the-last-crossing-lantern-theatre",
        section="Culture",
        headline="Review: The Last Crossing, Lantern Theatre",
        standfirst=(
            "A new play about the final night of a ferry service is funny, tender and a "
            "little too long"
        ),
        authors=("Eilidh Rowe",),
        tags=("Theatre", "Reviews"),
        topics=(org("Lantern Theatre"), person("Ruth Calloway"), person("Sol Amadi")),
        caption="Sol Amadi as the ship's cook in The Last Crossing.",
        body="""
        The Last Crossing takes place over a single night on a small ferry making its final
        run before the service is withdrawn. A dozen passengers and five crew have their
        reasons for being on board, and the writer, Ruth Calloway, lets each of them have
        their moment before the ship reaches the far shore.

        The set is the best thing in the production: a deck that tilts slowly through the
        evening, so that by the second act the cast are leaning into the swell and the
        audience finds itself leaning with them.

        ## Comedy below deck

        The funniest scenes belong to Sol Amadi as the ship's cook, who has decided to use up
        every last ingredient in the galley before he is made redundant. His running battle
        with a passenger who wants only toast is a small masterpiece of timing.

        > I have cooked on this boat for nineteen years. Tonight, whether you like it or not,
        you will be fed. | The cook, in The Last Crossing

        The play is weaker when it reaches for grand statements about community and loss,
        which the quieter scenes have already made well enough. At almost three hours it could
        lose twenty minutes without missing them.

        Even so, it is a warm and generous evening, and it is good to see a new play about
        this city on the city's main stage. Three stars out of five.
        """,
        also_read=("estmark-halvoy-ferry-treaty",),
    ),
    Story(
        slug="harbour-lights-festival-crowds",
        section="Culture",
        headline="Harbour Lights festival draws 60,000 to the waterfront",
        standfirst=(
            "Illuminated boats, projections on the warehouses and a lantern parade made for "
            "the festival's busiest night in its history"
        ),
        credit="reports Courier Staff",
        authors=("Eilidh Rowe",),
        tags=("Festivals", "Events", "Harbour"),
        topics=(org("Harbour Lights Festival"), place("Eastquay"), place("Ropewalk")),
        caption="Illuminated boats on the harbour during the Harbour Lights parade.",
        body="""
        An estimated 60,000 people crowded onto the waterfront for the Harbour Lights
        festival, the largest turnout since the event began nine years ago.

        Thirty-two boats, decorated with lights by schools, clubs and businesses, sailed in
        procession from the fish market to the swing bridge. On shore, artists projected
        moving images onto the warehouses of Ropewalk, including a sequence made from old
        photographs of dockworkers lent by their families.

        The evening ended with a parade of more than 2,000 paper lanterns made in community
        workshops over the previous month.

        > My grandfather is in one of those photographs. Seeing him ten metres tall on the
        side of a warehouse, I did not know whether to laugh or cry, so I did both. | Lena
        Marsh, who lent pictures to the project

        Police said the night passed with only minor incidents. Organisers have asked the
        council to consider closing more streets to traffic next year to ease crowding on
        the quay.
        """,
    ),
    Story(
        slug="community-choir-wins-national-title",
        section="Culture",
        headline="Northgate community choir wins national title at its first attempt",
        standfirst=(
            "A choir founded in a tenants' hall four years ago beat forty others with a set "
            "that included a song written by one of its members"
        ),
        authors=("Eilidh Rowe",),
        tags=("Music", "Choirs", "Community"),
        topics=(org("Northgate Voices"), person("Abena Tetteh"), place("Northgate")),
        caption="Northgate Voices in rehearsal at the tenants' hall.",
        body="""
        Northgate Voices, a choir that began with eight people singing in a tenants' hall, has
        won the community category at the national choir championships at its first attempt.

        The choir now has 64 members, aged from sixteen to eighty-seven, and none of them read
        music when they joined. They learn by ear from recordings made by their director,
        Abena Tetteh, who founded the group when she moved to the estate.

        Their winning set included a song called Cinder Lane, written by a member who worked
        at the old gas works for thirty years. The judges called it the most moving
        performance of the competition.

        > I told them at the start that we were going for the experience. Then we got on stage
        and they sang as if the whole hall belonged to them. | Abena Tetteh, director of
        Northgate Voices

        The choir will perform a homecoming concert at St Brannoc's church next month. Entry
        is free, with a collection for the tenants' hall roof.
        """,
    ),
    Story(
        slug="museum-restores-ship-figurehead",
        section="Culture",
        headline="Museum of the Kell restores a figurehead rescued from a breaker's yard",
        standfirst=(
            "The carved figure of a woman holding a lantern will go on display after two "
            "years of work to undo a century of paint"
        ),
        authors=("Eilidh Rowe", "Priya Raman"),
        tags=("Museums", "Heritage", "Maritime history"),
        topics=(org("Museum of the Kell"), person("Oliver Penhale")),
        caption="Conservators examine the lantern-bearer figurehead in the museum workshop.",
        body="""
        A wooden figurehead that once stood at the bow of a Kelbridge-built sailing ship is to
        go on show at the Museum of the Kell, two years after conservators began stripping
        away more than twenty layers of paint.

        The figure, a woman holding up a lantern, was carved for a barque launched in the
        1860s. When the ship was broken up, the figurehead was bought by a pub landlord and
        stood outside his inn for most of the last century, repainted every few years.

        ## Colours under the paint

        Tiny samples taken from the wood showed the original colours: a deep blue dress with
        gold edging, and a lantern painted to look like brass. The museum decided to stabilise
        the figure rather than repaint it, so visitors will see the wood as it survives.

        > Every landlord who owned her painted her a little differently, and we could read
        those changes like the rings of a tree. In the end we kept a small patch of each layer
        so that her whole story is still there. | Oliver Penhale, conservator at the Museum
        of the Kell

        The figurehead will be displayed in the museum's new maritime gallery, which opens in
        the autumn.
        """,
        also_read=("saltings-wreck-dated-by-tree-rings",),
    ),
    Story(
        slug="picturedrome-community-cinema-reopens",
        section="Culture",
        headline="The Picturedrome flickers back to life as a community cinema",
        standfirst=(
            "A volunteer-run trust has restored the 1913 picture house on Cooper's Hill and "
            "will show films seven nights a week"
        ),
        credit="reports Courier Staff",
        authors=("Eilidh Rowe",),
        tags=("Film", "Cinema", "Heritage"),
        topics=(org("Picturedrome Trust"), place("Cooper's Hill"), person("Marcus Fleet")),
        caption="The restored auditorium of the Picturedrome on Cooper's Hill.",
        body="""
        The Picturedrome, one of the oldest surviving cinemas in the county, has reopened on
        Cooper's Hill after a seven-year campaign by residents to save it.

        The building was a bingo hall and then a carpet warehouse before it closed. A trust
        formed by local people bought it for a nominal sum from the council and raised £2.3m
        to restore the auditorium, its plaster ceiling and the original projection box.

        The 240-seat cinema will show new releases alongside older films, with parent and baby
        screenings on weekday mornings and a monthly night of silent films with a live pianist.

        > A lot of people told us a community cinema would never pay its way. The first month
        is almost sold out, so we will see. | Marcus Fleet, chair of the Picturedrome Trust

        Most of the staff are volunteers, though the trust has hired a full-time manager and
        two projectionists.
        """,
    ),
    Story(
        slug="kelbridge-names-young-poet-laureate",
        section="Culture",
        headline="Kelbridge names a 17-year-old student as its first young poet laureate",
        standfirst=(
            "Yasmin Harrow will write poems for city occasions for two years and run workshops "
            "in schools"
        ),
        authors=("Eilidh Rowe",),
        tags=("Poetry", "Young people", "Books"),
        topics=(person("Yasmin Harrow"), org("Kelbridge City Council")),
        body="""
        Yasmin Harrow, a 17-year-old student at Greyfriars College, has been named Kelbridge's
        first young poet laureate.

        For the next two years she will write poems for city occasions, including the opening
        of the new tram line, and lead writing workshops in secondary schools. The role comes
        with a bursary of £3,000 a year.

        Harrow was chosen from more than 200 applicants by a panel of writers and teachers.
        Her winning portfolio included a sequence of poems about her grandmother's journey to
        the city and a poem written in the voice of the swing bridge.

        > I used to think poetry was something that happened somewhere else, to other people.
        I want other kids here to know it can happen on their bus route. | Yasmin Harrow

        Her first commission is a poem for the reopening of the Old Customs House.
        """,
        also_read=("old-customs-house-reopens-as-gallery",),
    ),
]
