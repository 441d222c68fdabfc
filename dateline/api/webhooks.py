def story_event(event, **kwargs):
    pass
