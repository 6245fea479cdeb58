"""Stage 5: page contexts printed through templates into Markdown, and maps into HTML."""
