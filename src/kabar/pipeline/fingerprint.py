"""Stage ``fingerprint``: exact-duplicate hash and MinHash signature of the article text."""

from __future__ import annotations

from kabar.cluster.minhash import article_signature, fingerprint
from kabar.models import Article
from kabar.pipeline.registry import StageContext, stage


@stage("fingerprint", requires=("kinds",), provides=("fingerprint",), scope="article")
def fingerprint_stage(article: Article, ctx: StageContext) -> Article:
    """Normalised-text hash (exact copies) and MinHash over word 3-shingles (near copies)."""
    article.fingerprint = fingerprint(article)
    article.minhash = article_signature(article)
    return article
