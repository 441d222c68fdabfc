"""What leaves the site: RSS and Atom feeds, sitemaps (with the Google News sitemap),
robots.txt, structured data and social cards in the page head, and ninjs documents.

Dependency direction: syndication uses news, pictures, pagecache and core; news never
imports syndication. The page head reaches the news templates through the Jinja2
environment that config wires together (config/jinja.py), not through an import in news.
"""
