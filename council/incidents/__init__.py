"""漏えい等報告: the council's register of personal-data incidents (leaks, losses, damage), with the PPC's deadlines."""
