"""The local explorer (`corpus explore`): a web page served on 127.0.0.1, fully offline.

- `app`: the FastAPI application (the page, its files, the JSON API).
- `projection`: the map's 2-D projection of the theme space, cached in the store.
- `static/`: the page, its script and style sheet (no library, no CDN).
"""
