"""manage.py train_detector: fine-tune or train a YOLO detector on a YOLO-format dataset, offline."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analysis.pipeline.detector import DetectorError
from analysis.pipeline.training import train_detector


class Command(BaseCommand):
    help = (
        "Train a YOLO detector (from a model .yaml) or fine-tune one (from .pt weights) on a YOLO-format "
        "dataset, and write the best weights to --out. Nothing is downloaded."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data", required=True, help="Dataset description (YOLO data.yaml).")
        parser.add_argument("--model", required=True, help="yolo11n.yaml (from scratch) or weights.pt (fine-tune).")
        parser.add_argument("--out", required=True, help="Where to write the trained weights (.pt).")
        parser.add_argument("--epochs", type=int, default=50)
        parser.add_argument("--imgsz", type=int, default=640)
        parser.add_argument("--batch", type=int, default=16)
        parser.add_argument("--device", default="", help='"" picks a GPU when there is one; "cpu", "0", …')
        parser.add_argument("--workers", type=int, default=0, help="Data-loader processes (0 = in process).")
        parser.add_argument("--amp", action="store_true", help="Mixed precision (GPU only).")

    def handle(self, *args, **options) -> None:
        if options["epochs"] < 1 or options["imgsz"] < 32 or options["batch"] < 1:
            raise CommandError("--epochs and --batch must be at least 1 and --imgsz at least 32.")
        self.stdout.write(f"Training {options['model']} on {options['data']} for {options['epochs']} epochs…")
        try:
            result = train_detector(
                options["data"],
                options["model"],
                options["out"],
                epochs=options["epochs"],
                imgsz=options["imgsz"],
                batch=options["batch"],
                device=options["device"],
                workers=options["workers"],
                amp=options["amp"],
                verbose=options["verbosity"] > 1,
            )
        except DetectorError as exc:
            raise CommandError(str(exc))
        score = f"{result.map50:.2f}" if result.map50 is not None else "n/a"
        self.stdout.write(self.style.SUCCESS(f"Wrote {result.weights} (validation mAP50 {score})."))
        class_map = json.dumps({name: "CATEGORY" for name in result.classes.values()})
        self.stdout.write(f"Use it with DETECTOR_WEIGHTS={result.weights} DETECTOR_CLASS_MAP='{class_map}'")
