"""掲示板: announcements and discussion threads per topic, with moderation."""
