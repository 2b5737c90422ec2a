"""manage.py ingest_posts FILE.jsonl [--analyze] — the ingest command of the public contract."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analysis.embeddings import EmbeddingModelUnavailable
from analysis.ingest import ingest
from analysis.progress import Progress
from analysis.services import VisionUnavailable, describe_totals, dispatch_analysis, pending_work, run_analysis
from analysis.sources import JsonlFileSource


class Command(BaseCommand):
    help = (
        "Ingest posts from a JSON Lines file (one post per line; media paths relative to the file). "
        "Prints created/updated/rejected counts and every problem with its line number; exits 1 when "
        "any line or media item was rejected. --analyze also analyses the posts before returning; "
        "without it their analysis is queued for the workers."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--analyze", action="store_true", help="Analyse the ingested posts before returning.")
        parser.add_argument("--progress-every", type=float, default=2.0, help="Seconds between progress lines.")

    def handle(self, *args, file: Path, analyze: bool, progress_every: float, **options) -> None:
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        source = JsonlFileSource(file)
        total = source.estimated_total()
        self.stdout.write(f"Ingesting {file} ({total:,} lines)")
        progress = Progress("ingest", total, self.stderr.write, every=progress_every, unit="lines")
        report = ingest(source, on_item=lambda _: progress.advance())
        progress.finish()

        for result in sorted(report.with_problems, key=lambda r: r.index):
            if result.status == "rejected":
                self.stdout.write(f"{result.where}: rejected: {'; '.join(result.errors)}")
            else:
                for reason in result.problems:
                    self.stdout.write(f"{result.where}: {reason} (post {result.external_id} kept)")
        self.stdout.write(
            f"Created {report.created:,}, updated {report.updated:,}, rejected {report.rejected:,} "
            f"(media items failed: {report.media_failed:,})."
        )

        work = pending_work(report.post_ids_to_analyze)
        if analyze:
            self._analyze(work, progress_every)
        elif work:
            dispatch_analysis(work)
            self.stdout.write(
                f"Queued analysis of {len(work.text_post_ids):,} captions and {len(work.asset_ids):,} media "
                "for the workers (or run: manage.py analyze_posts --pending)."
            )
        if report.rejected or report.media_failed:
            raise CommandError(
                f"{report.rejected:,} of {report.total:,} lines rejected, {report.media_failed:,} media items failed; "
                "see the lines above. Every other post was kept.",
                returncode=1,
            )

    def _analyze(self, work, progress_every: float) -> None:
        def progress_for(label: str, total: int) -> Progress:
            return Progress(label, total, self.stderr.write, every=progress_every)

        try:
            totals = run_analysis(work, progress_for)
        except (EmbeddingModelUnavailable, VisionUnavailable) as exc:
            raise CommandError(f"Analysis could not run: {exc}")
        self.stdout.write(describe_totals(totals))
