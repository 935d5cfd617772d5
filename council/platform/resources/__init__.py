"""Resources: documents and training announcements (e.g. つながりサポーター養成講座) members share."""
