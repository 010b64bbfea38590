"""What each ``aps-bot`` subcommand does; the parser and the exit codes are in bot.cli."""
