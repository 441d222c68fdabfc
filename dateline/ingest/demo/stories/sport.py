"""Sport: Kelbridge Athletic, the regatta, and the county's clubs."""

from dateline.ingest.demo.spec import Story, org, person, place

STORIES = [
    Story(
        slug="gulls-beat-port-ardley-in-derby",
        section="Sport",
        headline="Gulls come from behind to beat Port Ardley in the coastal derby",
        standfirst=(
            "Two goals in six minutes from Jamie Okoro turned the game after the visitors led "
            "at half-time"
        ),
        credit="reports Callum Reid at the Quayside Ground",
        authors=("Callum Reid",),
        tags=("Football", "Coastal League"),
        topics=(
            org("Kelbridge Athletic"),
            org("Port Ardley Town"),
            person("Jamie Okoro"),
            person("Stefan Horvath"),
        ),
        caption="Jamie Okoro celebrates his second goal in front of the East Stand.",
        inset="The East Stand was full for the derby for the first time this season.",
        body="""
        Kelbridge Athletic beat Port Ardley Town 3-1 at the Quayside Ground, recovering from
        a poor first half to win the derby for the first time in three seasons.

        Port Ardley took the lead after 22 minutes, when their captain, Lewis Drummond, headed
        in a corner at the near post. The home side looked nervous for the rest of the half
        and were jeered off by some of their own supporters.

        ## Okoro turns the game

        The change came after the manager, Stefan Horvath, moved to two strikers at the
        break. Jamie Okoro equalised in the 57th minute with a low shot from the edge of the
        area, then scored again six minutes later after the visiting goalkeeper could only
        push a cross into his path.

        > At half-time I told them we were playing not to lose. You cannot win a derby like
        that. In the second half they played like themselves. | Stefan Horvath, Kelbridge
        Athletic manager

        The substitute Aaron Bell made the game safe in stoppage time, running from halfway
        and rounding the goalkeeper. The crowd of 9,840 was the largest at the ground this
        season.

        The win lifts the Gulls to fourth in the Coastal League, two points off the promotion
        places.
        """,
        also_read=("okoro-out-for-six-weeks",),
    ),
    Story(
        slug="horvath-signs-contract-extension",
        section="Sport",
        headline="Horvath signs two-year extension as Kelbridge Athletic manager",
        standfirst=(
            "The Hungarian-born coach says he wants to finish the job of taking the Gulls "
            "back to the second tier"
        ),
        authors=("Callum Reid",),
        tags=("Football", "Coastal League"),
        topics=(org("Kelbridge Athletic"), person("Stefan Horvath"), person("Moira Lennox")),
        caption="Stefan Horvath on the training pitch at Harbour Fields.",
        body="""
        Stefan Horvath has signed a new two-year contract as manager of Kelbridge Athletic,
        ending speculation that he could leave for a club in a higher division.

        Horvath joined the Gulls eighteen months ago, when they were in the bottom half of
        the Coastal League, and has taken them to the edge of the promotion places with one
        of the smallest budgets in the division.

        The club's chair, Moira Lennox, said talks had taken less than a week. She said
        Horvath had asked for more money for the youth academy rather than for his own
        salary.

        > The easiest thing for a coach is to leave when things are going well. I did not
        come here to leave. I came to build something, and it is not built yet. | Stefan
        Horvath

        Two clubs from the division above are understood to have asked permission to speak
        to him in the past month. Both requests were turned down.

        His assistant, Dee Carmody, and the goalkeeping coach have also agreed new deals.
        """,
    ),
    Story(
        slug="kelbridge-regatta-record-entries",
        section="Sport",
        headline="Kelbridge Regatta draws record entries as junior rowing booms",
        standfirst=(
            "More than 1,400 crews will race on the Kell over two days, a third of them in "
            "under-16 events"
        ),
        credit="reports Courier Staff",
        authors=("Callum Reid", "Eilidh Rowe"),
        tags=("Rowing", "Regatta", "Youth sport"),
        topics=(org("Kelbridge Rowing Club"), place("River Kell"), person("Harriet Osei")),
        caption="Junior crews practise on the Kell ahead of the regatta.",
        body="""
        The Kelbridge Regatta will have more crews on the water than ever this year, with more
        than 1,400 entries from 86 clubs, organisers have announced.

        A third of the entries are in under-16 events, a rise that organisers put down to
        school rowing programmes started by three clubs on the river in the past five years.
        For the first time, the junior races will be held on a separate day.

        Racing takes place over a 1,000-metre course from the railway bridge to the Custom
        House steps. The river will close to other boats between eight in the morning and
        seven in the evening on both days.

        > When I started rowing here there were two junior crews and we were all the children
        of members. Now the boathouse is full of kids who had never sat in a boat until last
        year. | Harriet Osei, regatta chair

        Spectators can watch for free from the towpath. The organisers have asked visitors to
        use the park-and-ride, as parking near the river will be suspended.
        """,
        also_read=("kell-swing-bridge-reopens",),
    ),
    Story(
        slug="westmoor-spinner-takes-seven-wickets",
        section="Sport",
        headline="Westmoor spinner Rao takes seven wickets to keep survival hopes alive",
        standfirst=(
            "The 19-year-old left-armer produced the best figures by a Westmoor bowler in "
            "nine years as the county won by an innings"
        ),
        authors=("Callum Reid",),
        tags=("Cricket", "County Championship"),
        topics=(org("Westmoor County Cricket Club"), person("Arjun Rao")),
        caption="Arjun Rao appeals for a leg-before decision on the third morning.",
        body="""
        Arjun Rao, a 19-year-old left-arm spinner playing only his fourth first-class match,
        took seven wickets for 41 as Westmoor beat the league leaders by an innings and 18
        runs at the Chapel Road ground.

        Westmoor had started the match bottom of the table and without a win. Their first
        innings total of 376, built around a patient century from the captain, Tom Eastwood,
        gave Rao runs to bowl at on a pitch that turned sharply from the second day.

        ## A late call-up

        Rao was only added to the squad on the morning of the match after a senior bowler
        was injured in the warm-up. He took the last five wickets in the space of 38 balls.

        > I did not sleep much the night before, because I did not know I was playing. Maybe
        that helped. I had no time to think. | Arjun Rao

        The result lifts Westmoor off the bottom of the table. They have three matches left to
        avoid relegation, two of them at home.
        """,
    ),
    Story(
        slug="harbour-half-marathon-winners",
        section="Sport",
        headline="Club runner Nia Fenwick wins Harbour Half Marathon in course record",
        standfirst=(
            "More than 6,000 runners raised money for local charities on a sunny morning "
            "along the waterfront"
        ),
        credit="reports Courier Staff",
        authors=("Callum Reid",),
        tags=("Athletics", "Running", "Charity"),
        topics=(person("Nia Fenwick"), person("Kofi Mensah-Clarke"), place("Eastquay")),
        caption="Runners cross the swing bridge in the early miles of the half marathon.",
        body="""
        Nia Fenwick of Kelbridge Harriers won the women's race at the Harbour Half Marathon in
        1 hour 12 minutes 40 seconds, breaking a course record that had stood for eleven
        years.

        Fenwick, a physiotherapist who trains before her shifts at the hospital, pulled away
        from the leading group at the ten-mile mark on the climb up Cooper's Hill and finished
        almost two minutes clear.

        The men's race was won by Kofi Mensah-Clarke in 1:04:55. He said the wind off the
        estuary on the return leg had cost him a chance of a personal best.

        > I kept waiting for someone to come past me on the hill, and nobody did. After that
        I just tried to enjoy the crowd along the quay. | Nia Fenwick

        More than 6,000 runners finished the race, and the organisers expect it to have
        raised over £400,000 for charity. The route crossed the swing bridge for the first
        time since its repairs.
        """,
    ),
    Story(
        slug="kestrels-reach-netball-cup-final",
        section="Sport",
        headline="Kelbridge Kestrels reach national netball cup final",
        standfirst=(
            "A late goal from Shona Baptiste sealed a one-point win in a semi-final that was "
            "level for most of the last quarter"
        ),
        authors=("Callum Reid",),
        tags=("Netball", "Cup"),
        topics=(org("Kelbridge Kestrels"), person("Shona Baptiste")),
        caption="Shona Baptiste shoots during the semi-final.",
        body="""
        The Kelbridge Kestrels will play in the final of the national netball cup for the first
        time after a 51-50 win over the holders in a tense semi-final.

        The teams were level eleven times in the last quarter. With twenty seconds left, the
        goal shooter Shona Baptiste received a long pass from the centre third and scored from
        the edge of the circle to settle it.

        The Kestrels are a semi-professional team, and most of their squad work or study
        during the week. They train three evenings a week at the Northgate sports centre.

        > Half of us came straight from work this morning. I do not think any of us have
        taken in what has just happened. | Shona Baptiste

        The final will be played in four weeks' time. The club has asked supporters to
        register for tickets early, because its allocation is expected to sell out.
        """,
    ),
    Story(
        slug="okoro-out-for-six-weeks",
        section="Sport",
        headline="Blow for the Gulls as Okoro is ruled out for six weeks",
        standfirst=(
            "The leading scorer injured his hamstring in training two days after his "
            "derby-winning performance"
        ),
        credit="reports Courier Staff",
        authors=("Callum Reid",),
        tags=("Football", "Injuries", "Coastal League"),
        topics=(org("Kelbridge Athletic"), person("Jamie Okoro"), person("Stefan Horvath")),
        body="""
        Kelbridge Athletic will be without their top scorer, Jamie Okoro, for about six weeks
        after he tore a hamstring in training.

        Okoro, who has scored 14 goals this season, felt the injury during a sprinting drill
        and left the session early. A scan confirmed a tear that will not need surgery.

        He will miss at least seven league matches, including the trip to the leaders,
        Westmoor Rovers, at a point in the season when the Gulls are chasing promotion.

        > It is cruel timing for Jamie and for us. But we have a squad for exactly this
        reason, and now others have to step forward. | Stefan Horvath

        Aaron Bell, who scored off the bench in the derby, is expected to start in his place.
        The club has also asked about bringing in a forward on loan.
        """,
    ),
    Story(
        slug="eastquay-boxing-gym-saved",
        section="Sport",
        headline="Eastquay boxing gym saved by crowdfunding after rent rise",
        standfirst=(
            "Hundreds of donors, including former members now living abroad, raised enough "
            "to buy the building outright"
        ),
        authors=("Eilidh Rowe",),
        tags=("Boxing", "Community", "Youth sport"),
        topics=(org("Eastquay Amateur Boxing Club"), person("Dennis Oduya"), place("Eastquay")),
        caption="Young members training at the Eastquay gym.",
        body="""
        An amateur boxing club that has trained young people in Eastquay for more than fifty
        years has bought its own building, after a crowdfunding appeal raised £185,000 in
        seven weeks.

        The club faced closure last year when the landlord of its gym, a former rope store,
        told it the rent would more than double. The owner later agreed to sell if the club
        could raise the money by the end of the spring.

        More than 1,100 people gave. The largest single donation came from a former member
        who now runs a business abroad and said the club had kept him out of trouble as a
        teenager.

        > Some of the kids who walk through that door have nowhere else where an adult
        expects something of them. That is what we are really here for. The boxing is how
        we do it. | Dennis Oduya, head coach

        The club has 140 members, most of them under eighteen. It plans to use the money left
        over to repair the roof and add a changing room for girls.
        """,
    ),
]
