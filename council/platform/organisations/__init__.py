"""Member organisations: applications, the admin's decision, staff invitations and the public directory."""
