"""What commands show on a terminal: JSON, tables and live views."""
