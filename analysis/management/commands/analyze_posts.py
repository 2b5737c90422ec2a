"""manage.py analyze_posts --pending — analyse, in the foreground, every post not yet analysed."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analysis.embeddings import EmbeddingModelUnavailable
from analysis.progress import Progress
from analysis.services import PendingWork, VisionUnavailable, describe_totals, pending_work, retry_failed, run_analysis


class Command(BaseCommand):
    help = "Run the per-post analysis (text keywords, then vision) in this process, with progress."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--pending", action="store_true", help="Every post or media item not yet analysed.")
        which.add_argument("--post", type=int, nargs="+", metavar="ID", help="These posts' pending work.")
        parser.add_argument(
            "--failed", action="store_true", help="Also retry failed analysis (of all posts, or of --post ones)."
        )
        parser.add_argument("--text-only", action="store_true", help="Skip the vision pass.")
        parser.add_argument("--progress-every", type=float, default=2.0, help="Seconds between progress lines.")

    def handle(self, *args, pending: bool, failed: bool, post: list[int] | None, **options) -> None:
        if failed:
            retry_failed(post)
        work: PendingWork = pending_work(post)
        if options["text_only"]:
            work.asset_ids = []
        if not work:
            self.stdout.write("Nothing to analyse.")
            return
        self.stdout.write(f"Analysing {len(work.text_post_ids):,} captions and {len(work.asset_ids):,} media.")

        def progress_for(label: str, total: int) -> Progress:
            return Progress(label, total, self.stderr.write, every=options["progress_every"])

        try:
            totals = run_analysis(work, progress_for, vision=not options["text_only"])
        except (EmbeddingModelUnavailable, VisionUnavailable) as exc:
            raise CommandError(f"Analysis could not run: {exc}")
        self.stdout.write(describe_totals(totals))
