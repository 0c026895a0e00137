"""orgwork: case management for a Party organisation department (组织部)."""
