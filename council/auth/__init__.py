"""Council-side accounts: councils, institutions, users, sign-in, the pledge, and their administration."""
