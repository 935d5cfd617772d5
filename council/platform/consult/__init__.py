"""相談につなぐ: the public consultation windows. The platform never collects anything about a person."""
