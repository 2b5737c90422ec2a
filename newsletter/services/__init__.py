"""Newsletter business logic, called by views, the admin, tasks, commands and tests alike."""
