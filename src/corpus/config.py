"""One frozen settings object: paths, models, seed and thresholds, with their defaults in code."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    """Everything a run depends on besides its inputs. Stored in `run.json`."""

    store: Path = Path("data/corpus.duckdb")
    models_dir: Path = PROJECT_ROOT / "models"
    seed: int = 42
    # Embedders per stage: chosen by measurement (see bench/embed.py and bench/themes.py).
    embedder_themes: str = "use-multilingual"
    embedder_orient: str = "e5-small"
    embedder_query: str = "e5-small"
    spacy_model: str = "fr_core_news_sm"
    orient_model: Path | None = None  # a team's model (`corpus orient train`); None: shipped one
    # Segmentation: fragments shorter than this are merged with a neighbour.
    min_segment_chars: int = 30
    max_segment_chars: int = 600
    # Themes
    max_outlier_fraction: float = 0.10
    recurring_min_ateliers: int = 2
    theme_match_threshold: float = 0.80
    # Two themes that are each other's nearest are the same theme from this similarity on: the
    # sample's shared themes across its two territories lie at 0.70-0.84, other pairs below 0.64.
    theme_match_floor: float = 0.70
    extra: dict = field(default_factory=dict)

    def with_(self, **changes) -> Settings:
        return replace(self, **changes)

    def as_dict(self) -> dict:
        out = {}
        for key, value in self.__dict__.items():
            out[key] = str(value) if isinstance(value, Path) else value
        return out


DEFAULT = Settings()


def project_home() -> Path:
    """The project folder when running from a checkout, else the current folder."""
    return PROJECT_ROOT if (PROJECT_ROOT / "pyproject.toml").exists() else Path.cwd()


def prefect_env(environ: dict[str, str]) -> dict[str, str]:
    """Prefect settings this project needs, unless the user already set them.

    `PREFECT_HOME` stays inside the project (never the user's home by surprise), telemetry is
    off (a new database otherwise logs a harmless but alarming lock error), the temporary
    server gets time to start on a slow machine, and logs from `corpus` reach the Prefect UI.
    """
    wanted = {
        "PREFECT_HOME": str(project_home() / ".prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
        "PREFECT_LOGGING_EXTRA_LOGGERS": "corpus",
        "PREFECT_LOGGING_LEVEL": "INFO",
        "PREFECT_UI_ENABLED": "true",
    }
    return {k: v for k, v in wanted.items() if k not in environ}
