"""Routes of the tasks (役割分担) meetings gave institutions."""
