"""居場所・活動: community places and activities, their dates, and an iCalendar feed of them."""
