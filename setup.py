"""The part of the build that pyproject.toml cannot say: the repository's top-level ``knowledge/``
and ``locales/`` folders become the data folders ``bot/_data/knowledge`` and ``bot/_data/locales``
of the wheel, next to the code that reads them (bot/resources.py finds them there).

Only the run-time files are mapped: the knowledge YAML at any depth (with its Markdown notes, for
whoever copies the folder to edit it), the ``.po`` catalogs, which the bot reads directly when
no compiled ``.mo`` is there, and ``locales/languages.yaml`` (the languages still in progress). The sdist carries the same sources (MANIFEST.in), never a ``.mo``.
``make package-check`` fails when a file tracked under those folders is missing from the wheel.
"""

from setuptools import find_packages, setup

DATA = {"bot._data.knowledge": "knowledge", "bot._data.locales": "locales"}

setup(
    packages=[*find_packages(include=["bot", "bot.*"]), *DATA],
    package_dir=DATA,
    package_data={
        "bot._data.knowledge": ["**/*.yaml", "**/*.md"],
        # the catalogs, and which languages are still being translated (bot/language_status.py)
        # (and the translators' notes: locales/README.md, a language's GLOSSARY.md)
        "bot._data.locales": ["*/LC_MESSAGES/messages.po", "languages.yaml", "*.md", "*/*.md"],
        "bot.site": ["assets/*"],  # the static site's stylesheet and script
        "bot.web": ["static/*"],  # the web chat's script, stylesheet and embed script
    },
    # package_data alone says what ships; letting the sdist's file list add to it would take in
    # whatever else lies in those folders (and warn that locales/fr/LC_MESSAGES is not a package)
    include_package_data=False,
)
