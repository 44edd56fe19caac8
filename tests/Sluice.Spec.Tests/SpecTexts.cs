namespace Sluice.Spec.Tests;

/// <summary>Spec texts shared by the tests; each test states what it changes.</summary>
internal static class SpecTexts
{
    public const string Sessions = """
        name: clickstream-sessions
        namespace: growth
        owner: growth-data@example.com
        description: Sessionizes page views per user.
        labels:
          tier: gold
          team: growth
        runtime: flink
        artifact:
          jar:
            uri: s3://artifacts/growth/sessions-1.4.2.jar
            entryClass: com.example.growth.Sessions
            args: ["--gap", "30m"]
        sources:
          - alias: views
            system: kafka
            cluster: tracking
            name: page-views
            format: avro
            partitions: 32
        sinks:
          - system: kafka
            cluster: tracking
            name: sessions
            format: avro
        state:
          stateful: true
          stores:
            - name: open-sessions
              kind: rocksdb
              ttl: 2h
              changelog: true
          checkpointing:
            interval: 1m
            mode: exactly-once
            retained: 3
        resources:
          parallelism: 4
          maxParallelism: 128
          task: {cpu: 1, memory: 2Gi}
          coordinator: {cpu: 0.5, memory: 1536Mi}
        autoscaling:
          enabled: true
          minParallelism: 2
          maxParallelism: 32
          targetUtilization: 0.7
        upgrade:
          mode: savepoint
        placement:
          fabrics: [us-east-1a, eu-west-1a]
          pool: shared
        observability:
          dashboard: true
          alerts:
            - kind: consumer-lag
              threshold: 100000
              for: 10m
              severity: page
        overrides:
          flink.taskmanager.numberOfTaskSlots: "2"
        """;

    /// <summary>The same spec with every mapping's keys in another order and other whitespace.</summary>
    public const string SessionsReordered = """
        overrides: {flink.taskmanager.numberOfTaskSlots: "2"}
        observability:
            alerts:
                -   severity: page
                    for: 10m
                    threshold: 100000
                    kind: consumer-lag
            dashboard: true
        placement: {pool: shared, fabrics: [us-east-1a, eu-west-1a]}
        upgrade: {mode: savepoint}
        autoscaling: {targetUtilization: 0.7, maxParallelism: 32, minParallelism: 2, enabled: true}
        resources:
            coordinator: {memory: 1536Mi, cpu: 0.5}
            task: {memory: 2Gi, cpu: 1}
            maxParallelism: 128
            parallelism: 4
        state:
            checkpointing: {retained: 3, mode: exactly-once, interval: 1m}
            stores:
                - {changelog: true, ttl: 2h, kind: rocksdb, name: open-sessions}
            stateful: true
        sinks:
            - {format: avro, name: sessions, cluster: tracking, system: kafka}
        sources:
            - {partitions: 32, format: avro, name: page-views, cluster: tracking, system: kafka, alias: views}
        artifact:
            jar: {args: ["--gap", "30m"], entryClass: com.example.growth.Sessions, uri: "s3://artifacts/growth/sessions-1.4.2.jar"}
        runtime: flink
        labels: {team: growth, tier: gold}
        description: "Sessionizes page views per user."
        owner: growth-data@example.com
        namespace: growth
        name: clickstream-sessions
        """;

    /// <summary>The same spec as JSON, with tabs for indentation.</summary>
    public const string SessionsJson = """
        {
        	"name": "clickstream-sessions", "namespace": "growth", "owner": "growth-data@example.com",
        	"description": "Sessionizes page views per user.",
        	"labels": {"team": "growth", "tier": "gold"},
        	"runtime": "flink",
        	"artifact": {"jar": {"uri": "s3://artifacts/growth/sessions-1.4.2.jar", "entryClass": "com.example.growth.Sessions", "args": ["--gap", "30m"]}},
        	"sources": [{"alias": "views", "system": "kafka", "cluster": "tracking", "name": "page-views", "format": "avro", "partitions": 32}],
        	"sinks": [{"system": "kafka", "cluster": "tracking", "name": "sessions", "format": "avro"}],
        	"state": {"stateful": true,
        		"stores": [{"name": "open-sessions", "kind": "rocksdb", "ttl": "2h", "changelog": true}],
        		"checkpointing": {"interval": "60s", "mode": "exactly-once", "retained": 3}},
        	"resources": {"parallelism": 4, "maxParallelism": 128, "task": {"cpu": 1, "memory": "2Gi"}, "coordinator": {"cpu": 0.5, "memory": "1536Mi"}},
        	"autoscaling": {"enabled": true, "minParallelism": 2, "maxParallelism": 32, "targetUtilization": 0.7},
        	"upgrade": {"mode": "savepoint"},
        	"placement": {"fabrics": ["us-east-1a", "eu-west-1a"], "pool": "shared"},
        	"observability": {"dashboard": true, "alerts": [{"kind": "consumer-lag", "threshold": 100000, "for": "600s", "severity": "page"}]},
        	"overrides": {"flink.taskmanager.numberOfTaskSlots": "2"}
        }
        """;

    /// <summary>A small valid stateless spec that tests extend with one mistake at a time.</summary>
    public const string Minimal = """
        name: filter-bots
        namespace: growth
        artifact:
          jar: {uri: "s3://a/filter.jar", entryClass: com.example.Filter}
        sources:
          - {system: kafka, cluster: tracking, name: page-views}
        sinks:
          - {system: kafka, cluster: tracking, name: human-page-views}
        """;
}
