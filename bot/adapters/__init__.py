"""Platform adapters: thin layers that map platform events to engine Events and render Replies."""
