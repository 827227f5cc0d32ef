"""The Discord adapter: discord.py in, the neutral vocabulary through, embeds and views out."""
