#!/usr/bin/python3
"""Reads a Spendstream topic with Confluent's own Python client, as an independent check of the wire format.

Uses the legacy confluent_kafka.avro AvroConsumer (Debian 12's python3-confluent-kafka 1.7), which fetches writer
schemas from the registry by id (GET /schemas/ids/{id}) and decodes key and value. Prints one line per record and
exits non-zero if nothing could be decoded.

    apt-get install -y python3-confluent-kafka python3-avro
    /usr/bin/python3 deploy/scripts/confluent-decode.py spend.unit-cost --max 5
"""
import argparse
import sys
import uuid

from confluent_kafka.avro import AvroConsumer


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topic")
    parser.add_argument("--bootstrap-servers", default="localhost:9092")
    parser.add_argument("--schema-registry-url", default="http://localhost:8081")
    parser.add_argument("--max", type=int, default=5, help="stop after this many records")
    parser.add_argument("--key", help="print only records with this key (others are read and skipped)")
    parser.add_argument("--timeout", type=float, default=30.0, help="give up after this many idle seconds")
    args = parser.parse_args()

    consumer = AvroConsumer({
        "bootstrap.servers": args.bootstrap_servers,
        "schema.registry.url": args.schema_registry_url,
        "group.id": "confluent-decode-" + str(uuid.uuid4()),
        "auto.offset.reset": "earliest",
        "isolation.level": "read_committed",
        "enable.auto.commit": False,
    })
    consumer.subscribe([args.topic])
    decoded = 0
    try:
        while decoded < args.max:
            message = consumer.poll(args.timeout)
            if message is None:
                break
            if message.error():
                print("error:", message.error(), file=sys.stderr)
                continue
            if args.key is not None and message.key() != args.key:
                continue
            print(f"{message.topic()}[{message.partition()}]@{message.offset()} key={message.key()!r} "
                  f"value={message.value()!r}")
            decoded += 1
    finally:
        consumer.close()
    print(f"decoded {decoded} record(s) from {args.topic} via {args.schema_registry_url}")
    return 0 if decoded > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
