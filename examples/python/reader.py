#!/usr/bin/env python3
"""The decision loop's read of the sidecar's Redis, as the design writes it (see CONTRACT.md), with redis-py only.

    python3 examples/python/reader.py [--url redis://127.0.0.1:6379] [--prefix llm] BTC ETH ...

prints one JSON line per asset: the five features (positions 55-59), the time of the read, and the latest
signal's contract fields. `--prefix` is the key prefix: `llm` in the default deployment (keys `llm:signal:BTC:latest`);
tests run on a prefix of their own.
"""
import argparse
import json
import math
import time

import redis


class LLMSignalCache:
    """The design's reader: latest signal, history and running sentiment of an asset."""

    def __init__(self, client, prefix="llm"):
        self.r = client
        self.prefix = prefix

    def get_signal(self, asset):
        raw = self.r.get(f"{self.prefix}:signal:{asset}:latest")
        return None if raw is None else json.loads(raw)

    def get_history(self, asset):
        return [json.loads(s) for s in self.r.lrange(f"{self.prefix}:signal:{asset}:history", 0, -1)]

    def get_running_sentiment(self, asset):
        raw = self.r.get(f"{self.prefix}:sentiment:{asset}")
        return 0.0 if raw is None else float(raw)


class LLMFeatureInjector:
    """Positions 55-59 of the 60-dim decision vector, exactly as the design defines them."""

    def __init__(self, cache, offset=55):
        self.cache = cache
        self.offset = offset

    def features(self, asset, now=None):
        signal = self.cache.get_signal(asset)
        running = self.cache.get_running_sentiment(asset)
        if signal is None:
            return [0.0, 0.5, 0.0, 0.0, running]
        now = time.time() if now is None else now
        # A cached_at a hair ahead of this clock (Redis's microseconds) is not "more than full confidence".
        age = max(0.0, now - float(signal["cached_at"]))
        confidence = float(signal["confidence"]) * math.exp(-age / 300.0)
        sentiment = float(signal["sentiment"])
        event = 1.0 if signal.get("event_type", "general") in ("earnings", "macro") else 0.0
        return [sentiment, confidence, sentiment * confidence, event, running]

    def inject(self, base, asset, now=None):
        vector = list(base)
        vector[self.offset : self.offset + 5] = self.features(asset, now)
        return vector


CONTRACT_FIELDS = ("sentiment", "confidence", "direction", "reasoning", "source_summary", "timestamp", "cached_at", "event_type")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="redis://127.0.0.1:6379")
    parser.add_argument("--prefix", default="llm")
    parser.add_argument("assets", nargs="+")
    args = parser.parse_args()
    cache = LLMSignalCache(redis.Redis.from_url(args.url, decode_responses=True), args.prefix)
    injector = LLMFeatureInjector(cache)
    for asset in args.assets:
        now = time.time()
        signal = cache.get_signal(asset)
        vector = injector.inject([0.0] * 60, asset, now)
        fields = None if signal is None else {k: [signal[k], type(signal[k]).__name__] for k in CONTRACT_FIELDS}
        print(json.dumps({"asset": asset, "features": vector[55:60], "read_at": now, "signal": fields}))


if __name__ == "__main__":
    main()
