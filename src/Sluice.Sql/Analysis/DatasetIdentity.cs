using System.Text.Json;

namespace Sluice.Sql.Analysis;

/// <summary>The identity of one real dataset behind a table: `system://cluster/name`, and its format.</summary>
public sealed record DatasetIdentity(string System, string Cluster, string Name, string Format, bool Durable);

/// <summary>The identities behind a table, or why there is none (<see cref="Error"/>), and any caveat (<see cref="Warning"/>).</summary>
public sealed record IdentityResult(IReadOnlyList<DatasetIdentity> Datasets, string? Error = null, string? Warning = null)
{
    public static IdentityResult Fail(string error) => new([], error);

    public static IdentityResult Of(DatasetIdentity identity, string? warning = null) => new([identity], null, warning);
}

/// <summary>
/// Works out which real dataset a table stands for from its connector options (Flink `WITH (…)`), its Beam
/// `TYPE`/`LOCATION`/`TBLPROPERTIES`, or the catalog it was found in. Two jobs naming the same topic, table or path
/// get the same identity, whatever else differs in their options.
/// </summary>
public static class DatasetIdentities
{
    /// <summary>Connectors that generate or discard data: no real dataset is read or written.</summary>
    public static readonly IReadOnlySet<string> TestConnectors = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "datagen", "print", "blackhole", "faker", "values", "sequence", "seqgen",
    };

    public static IdentityResult ForFlinkTable(string table, IReadOnlyDictionary<string, string> options)
    {
        if (!options.TryGetValue("connector", out var connector))
        {
            return IdentityResult.Fail($"table {table} has no 'connector' option, so the dataset it stands for is unknown");
        }
        connector = connector.Trim().ToLowerInvariant();
        var format = Get(options, "format") ?? Get(options, "value.format") ?? "";
        if (TestConnectors.Contains(connector))
        {
            return IdentityResult.Of(new DatasetIdentity(connector, "local", table, format, Durable: false));
        }
        return connector switch
        {
            "kafka" or "upsert-kafka" => Kafka(table, options, format),
            "jdbc" => Jdbc(table, options, format),
            "filesystem" => FileSystem(table, Get(options, "path"), format),
            "kinesis" => Kinesis(table, options, format),
            "pulsar" => Pulsar(table, options, format),
            "hbase-1.4" or "hbase-2.2" or "hbase" => Require(table, "hbase", options, "zookeeper.quorum", "table-name", format),
            "iceberg" => Iceberg(table, options, format),
            "mongodb" => MongoDb(table, options, format),
            "mysql-cdc" or "postgres-cdc" or "oracle-cdc" or "sqlserver-cdc" or "db2-cdc" or "tidb-cdc" or "oceanbase-cdc" => Cdc(table, connector, options, format),
            "mongodb-cdc" => MongoCdc(table, options, format),
            "doris" or "starrocks" => Doris(table, connector, options, format),
            "clickhouse" => Require(table, "clickhouse", options, "url", "table-name", format, database: Get(options, "database-name")),
            "redis" => Require(table, "redis", options, "host", "command", format),
            _ when connector.StartsWith("elasticsearch", StringComparison.Ordinal) || connector.StartsWith("opensearch", StringComparison.Ordinal) =>
                Elasticsearch(table, connector, options, format),
            "hive" or "paimon" or "hudi" or "delta" => Lakehouse(table, connector, options, format),
            _ => IdentityResult.Of(new DatasetIdentity(connector, Get(options, "url") ?? Get(options, "hosts") ?? "unknown", Get(options, "table-name") ?? table, format, true),
                $"connector '{connector}' is not one Sluice knows; the dataset is named after the table"),
        };
    }

    private static IdentityResult Kafka(string table, IReadOnlyDictionary<string, string> options, string format)
    {
        var servers = Get(options, "properties.bootstrap.servers");
        if (servers is null)
        {
            return IdentityResult.Fail($"kafka table {table} has no 'properties.bootstrap.servers', so its cluster is unknown");
        }
        var cluster = NormalizeHosts(servers);
        format = Get(options, "format") ?? Get(options, "value.format") ?? "";
        if (Get(options, "topic") is { } topics)
        {
            var datasets = topics.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(topic => new DatasetIdentity("kafka", cluster, topic, format, true)).ToList();
            if (datasets.Count > 0)
            {
                return new IdentityResult(datasets);
            }
        }
        if (Get(options, "topic-pattern") is { } pattern)
        {
            return IdentityResult.Of(new DatasetIdentity("kafka", cluster, pattern, format, true),
                $"kafka table {table} reads a topic pattern; lineage records the pattern, not the topics it matches");
        }
        return IdentityResult.Fail($"kafka table {table} has neither 'topic' nor 'topic-pattern'");
    }

    private static IdentityResult Jdbc(string table, IReadOnlyDictionary<string, string> options, string format)
    {
        var url = Get(options, "url");
        var tableName = Get(options, "table-name");
        if (url is null || tableName is null)
        {
            return IdentityResult.Fail($"jdbc table {table} needs both 'url' and 'table-name'");
        }
        var (_, cluster, database) = ParseJdbcUrl(url);
        return IdentityResult.Of(new DatasetIdentity("jdbc", cluster, Join(database, tableName), format, true));
    }

    /// <summary>`jdbc:mysql://h:3306/db?x` → (mysql, h:3306, db); Oracle's `@host:port:sid` and `@//host:port/svc` too.</summary>
    public static (string Engine, string Cluster, string Database) ParseJdbcUrl(string url)
    {
        var rest = url.StartsWith("jdbc:", StringComparison.OrdinalIgnoreCase) ? url[5..] : url;
        var query = rest.IndexOfAny(['?', ';']);
        var engineEnd = rest.IndexOf(':');
        if (engineEnd <= 0)
        {
            return ("jdbc", rest, "");
        }
        var engine = rest[..engineEnd].ToLowerInvariant();
        engine = engine switch
        {
            "postgres" => "postgresql",
            "mariadb" => "mysql",
            _ => engine,
        };
        var at = rest.IndexOf('@');
        if (engine == "oracle" && at >= 0)
        {
            var target = rest[(at + 1)..].TrimStart('/');
            var slash = target.IndexOf('/');
            if (slash >= 0)
            {
                return (engine, target[..slash], target[(slash + 1)..]);
            }
            var lastColon = target.LastIndexOf(':');
            return lastColon > 0 && target[..lastColon].Contains(':')
                ? (engine, target[..lastColon], target[(lastColon + 1)..])
                : (engine, target, "");
        }
        var authorityStart = rest.IndexOf("//", StringComparison.Ordinal);
        if (authorityStart < 0)
        {
            return (engine, query > 0 ? rest[(engineEnd + 1)..query] : rest[(engineEnd + 1)..], "");
        }
        var afterSlashes = rest[(authorityStart + 2)..];
        if (afterSlashes.IndexOfAny(['?', ';']) is var q and >= 0)
        {
            afterSlashes = afterSlashes[..q];
        }
        var pathStart = afterSlashes.IndexOf('/');
        return pathStart < 0
            ? (engine, afterSlashes, "")
            : (engine, afterSlashes[..pathStart], afterSlashes[(pathStart + 1)..].Trim('/'));
    }

    public static IdentityResult FileSystem(string table, string? path, string format)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return IdentityResult.Fail($"filesystem table {table} has no 'path'");
        }
        var (scheme, authority, name) = SplitPath(path.Trim());
        return IdentityResult.Of(new DatasetIdentity("filesystem", $"{scheme}://{authority}", name, format, true));
    }

    /// <summary>`s3a://bucket/a/b` → (s3, bucket, a/b); a bare `/tmp/x` is (file, "", tmp/x).</summary>
    public static (string Scheme, string Authority, string Name) SplitPath(string path)
    {
        var schemeEnd = path.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            var local = path.StartsWith("file:", StringComparison.OrdinalIgnoreCase) ? path[5..] : path;
            return ("file", "", local.TrimStart('/'));
        }
        var scheme = path[..schemeEnd].ToLowerInvariant() switch
        {
            "s3a" or "s3n" or "s3p" => "s3",
            var other => other,
        };
        var rest = path[(schemeEnd + 3)..];
        var slash = rest.IndexOf('/');
        var authority = slash < 0 ? rest : rest[..slash];
        var name = slash < 0 ? "" : rest[(slash + 1)..].TrimEnd('/');
        return (scheme, authority, name);
    }

    private static IdentityResult Kinesis(string table, IReadOnlyDictionary<string, string> options, string format)
    {
        var arn = Get(options, "stream.arn");
        if (arn is not null)
        {
            // arn:aws:kinesis:<region>:<account>:stream/<name>; the cluster is the region, as with 'aws.region'.
            var parts = arn.Split(':');
            if (parts.Length >= 6 && parts[5].StartsWith("stream/", StringComparison.Ordinal))
            {
                return IdentityResult.Of(new DatasetIdentity("kinesis", parts[3], parts[5]["stream/".Length..], format, true));
            }
            return IdentityResult.Fail($"kinesis table {table} has a 'stream.arn' that is not a stream ARN: {arn}");
        }
        var stream = Get(options, "stream");
        var region = Get(options, "aws.region") ?? Get(options, "aws.endpoint");
        if (stream is null || region is null)
        {
            return IdentityResult.Fail($"kinesis table {table} needs 'stream' and 'aws.region' (or 'stream.arn')");
        }
        return IdentityResult.Of(new DatasetIdentity("kinesis", region, stream, format, true));
    }

    private static IdentityResult Pulsar(string table, IReadOnlyDictionary<string, string> options, string format)
    {
        var url = Get(options, "service-url");
        var topics = Get(options, "topics") ?? Get(options, "topic");
        if (url is null || topics is null)
        {
            return IdentityResult.Fail($"pulsar table {table} needs 'service-url' and 'topics'");
        }
        var cluster = StripScheme(url);
        var datasets = topics.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(topic => new DatasetIdentity("pulsar", cluster, topic, format, true)).ToList();
        return new IdentityResult(datasets);
    }

    private static IdentityResult Elasticsearch(string table, string connector, IReadOnlyDictionary<string, string> options, string format)
    {
        // OpenSearch speaks the Elasticsearch API; an index on a host is the same kind of dataset.
        const string system = "elasticsearch";
        var hosts = Get(options, "hosts");
        var index = Get(options, "index");
        if (hosts is null || index is null)
        {
            return IdentityResult.Fail($"{connector} table {table} needs 'hosts' and 'index'");
        }
        var cluster = string.Join(',', hosts.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(StripScheme).Order(StringComparer.Ordinal));
        return IdentityResult.Of(new DatasetIdentity(system, cluster, index, format, true));
    }

    private static IdentityResult Iceberg(string table, IReadOnlyDictionary<string, string> options, string format)
    {
        // The same metastore or warehouse a Flink/Beam iceberg catalog names, so both routes give one identity.
        var cluster = Get(options, "uri") ?? Get(options, "warehouse") ?? Get(options, "catalog-name");
        if (cluster is null)
        {
            return IdentityResult.Fail($"iceberg table {table} needs 'uri', 'warehouse' or 'catalog-name'");
        }
        var database = Get(options, "catalog-database") ?? "default";
        var name = Get(options, "catalog-table") ?? table.Split('.')[^1];
        return IdentityResult.Of(new DatasetIdentity("iceberg", cluster.TrimEnd('/'), $"{database}.{name}", format, true));
    }

    private static IdentityResult MongoDb(string table, IReadOnlyDictionary<string, string> options, string format)
    {
        var uri = Get(options, "uri");
        var database = Get(options, "database");
        var collection = Get(options, "collection");
        if (uri is null || database is null || collection is null)
        {
            return IdentityResult.Fail($"mongodb table {table} needs 'uri', 'database' and 'collection'");
        }
        return IdentityResult.Of(new DatasetIdentity("mongodb", MongoHosts(uri), $"{database}.{collection}", format, true));
    }

    private static IdentityResult MongoCdc(string table, IReadOnlyDictionary<string, string> options, string format)
    {
        var hosts = Get(options, "hosts");
        var database = Get(options, "database");
        var collection = Get(options, "collection");
        if (hosts is null || database is null || collection is null)
        {
            return IdentityResult.Fail($"mongodb-cdc table {table} needs 'hosts', 'database' and 'collection'");
        }
        return IdentityResult.Of(new DatasetIdentity("mongodb", NormalizeHosts(hosts), $"{database}.{collection}", format, true));
    }

    /// <summary>Flink CDC sources name the database server's own table, so lineage meets the JDBC sinks of the same table.</summary>
    private static IdentityResult Cdc(string table, string connector, IReadOnlyDictionary<string, string> options, string format)
    {
        var engine = connector[..^"-cdc".Length] switch
        {
            "postgres" => "postgresql",
            "tidb" => "mysql",
            var other => other,
        };
        var host = Get(options, "hostname");
        var database = Get(options, "database-name");
        var tableName = Get(options, "table-name") ?? Get(options, "collection");
        if (host is null || database is null || tableName is null)
        {
            return IdentityResult.Fail($"{connector} table {table} needs 'hostname', 'database-name' and 'table-name'");
        }
        var port = Get(options, "port") ?? DefaultPort(engine);
        var schema = Get(options, "schema-name");
        var cluster = port is null ? host : $"{host}:{port}";
        return IdentityResult.Of(new DatasetIdentity("jdbc", cluster, Join(database, Join(schema ?? "", tableName)), format, true));
    }

    private static IdentityResult Doris(string table, string connector, IReadOnlyDictionary<string, string> options, string format)
    {
        var nodes = Get(options, "fenodes") ?? Get(options, "jdbc-url") ?? Get(options, "load-url");
        var identifier = Get(options, "table.identifier")
            ?? (Get(options, "database-name") is { } db && Get(options, "table-name") is { } name ? $"{db}.{name}" : null);
        if (nodes is null || identifier is null)
        {
            return IdentityResult.Fail($"{connector} table {table} needs its front-end nodes and 'table.identifier'");
        }
        return IdentityResult.Of(new DatasetIdentity(connector, NormalizeHosts(StripScheme(nodes.Replace("jdbc:mysql://", ""))), identifier, format, true));
    }

    private static IdentityResult Lakehouse(string table, string connector, IReadOnlyDictionary<string, string> options, string format)
    {
        var path = Get(options, "path") ?? Get(options, "table-path") ?? Get(options, "warehouse");
        return path is null
            ? IdentityResult.Fail($"{connector} table {table} needs 'path' (or is declared in a {connector} catalog)")
            : IdentityResult.Of(new DatasetIdentity(connector, $"{SplitPath(path).Scheme}://{SplitPath(path).Authority}", SplitPath(path).Name, format, true));
    }

    private static IdentityResult Require(string table, string system, IReadOnlyDictionary<string, string> options, string clusterKey, string nameKey,
        string format, string? database = null)
    {
        var cluster = Get(options, clusterKey);
        var name = Get(options, nameKey);
        if (cluster is null || name is null)
        {
            return IdentityResult.Fail($"{system} table {table} needs '{clusterKey}' and '{nameKey}'");
        }
        return IdentityResult.Of(new DatasetIdentity(system, NormalizeHosts(StripScheme(cluster)), Join(database ?? "", name), format, true));
    }

    /// <summary>A table found in a declared catalog: the catalog's server or warehouse, and `database.table`.</summary>
    public static IdentityResult ForCatalogTable(CatalogInfo catalog, string database, string table)
    {
        var type = catalog.Type.ToLowerInvariant();
        string? Option(string key) => catalog.Options.TryGetValue(key, out var value) ? value : null;
        var name = $"{database}.{table}";
        switch (type)
        {
            case "jdbc":
            {
                var url = Option("base-url");
                if (url is null)
                {
                    return IdentityResult.Fail($"jdbc catalog {catalog.Name} has no 'base-url'");
                }
                var (_, cluster, _) = ParseJdbcUrl(url);
                return IdentityResult.Of(new DatasetIdentity("jdbc", cluster, name, "", true));
            }
            case "hive":
                return IdentityResult.Of(new DatasetIdentity("hive", Option("hive.metastore.uris") is { } uris ? NormalizeHosts(StripScheme(uris)) : catalog.Name, name, "", true),
                    Option("hive.metastore.uris") is null ? $"hive catalog {catalog.Name} names no metastore; the cluster is the catalog's name" : null);
            default:
            {
                var location = Option("uri") ?? Option("warehouse") ?? Option("base-url");
                if (location is null)
                {
                    return IdentityResult.Of(new DatasetIdentity(type, catalog.Name, name, "", true),
                        $"catalog {catalog.Name} names no 'uri' or 'warehouse'; the cluster is the catalog's name");
                }
                // The catalog's metastore or warehouse as written, as the iceberg connector's 'uri'/'warehouse' is.
                return IdentityResult.Of(new DatasetIdentity(type, location.TrimEnd('/'), name, "", true));
            }
        }
    }

    /// <summary>Beam's `TYPE t LOCATION '…' TBLPROPERTIES '{…}'`.</summary>
    public static IdentityResult ForBeamTable(string table, string type, string? location, string? properties, CatalogInfo? catalog, string database)
    {
        type = type.ToLowerInvariant();
        Dictionary<string, JsonElement> props;
        try
        {
            props = string.IsNullOrWhiteSpace(properties)
                ? []
                : JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(properties) ?? [];
        }
        catch (Exception error) when (error is JsonException or ArgumentException)
        {
            return IdentityResult.Fail($"TBLPROPERTIES of table {table} is not a JSON object: {error.Message}");
        }
        var format = props.TryGetValue("format", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString()! : "";
        if (TestConnectors.Contains(type))
        {
            return IdentityResult.Of(new DatasetIdentity(type, "local", table, format, false));
        }
        switch (type)
        {
            case "kafka":
                return BeamKafka(table, location, props, format);
            case "pubsub":
            {
                // projects/<project>/topics/<topic> or projects/<project>/subscriptions/<subscription>
                var parts = (location ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length != 4 || parts[0] != "projects")
                {
                    return IdentityResult.Fail($"pubsub table {table} needs LOCATION 'projects/<project>/topics/<topic>'");
                }
                return IdentityResult.Of(new DatasetIdentity("pubsub", parts[1], $"{parts[2]}/{parts[3]}", format.Length > 0 ? format : "json", true));
            }
            case "bigquery":
            {
                // <project>:<dataset>.<table> or <project>.<dataset>.<table>
                var spec = location ?? "";
                var colon = spec.IndexOf(':');
                var (project, rest) = colon > 0 ? (spec[..colon], spec[(colon + 1)..]) : SplitFirstDot(spec);
                if (project.Length == 0 || !rest.Contains('.'))
                {
                    return IdentityResult.Fail($"bigquery table {table} needs LOCATION '<project>:<dataset>.<table>'");
                }
                return IdentityResult.Of(new DatasetIdentity("bigquery", project, rest, format, true));
            }
            case "text":
                return FileSystem(table, location, format.Length > 0 ? format : "csv");
            case "parquet" or "avro":
                return FileSystem(table, location, type);
            case "mongodb":
            {
                // mongodb://host:port/<database>/<collection>
                if (location is null || !location.StartsWith("mongodb", StringComparison.OrdinalIgnoreCase) || !location.Contains("://", StringComparison.Ordinal))
                {
                    return IdentityResult.Fail($"mongodb table {table} needs LOCATION 'mongodb://host:port/<database>/<collection>'");
                }
                var rest = location[(location.IndexOf("://", StringComparison.Ordinal) + 3)..];
                var parts = rest.Split('/', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length != 3)
                {
                    return IdentityResult.Fail($"mongodb table {table} needs LOCATION 'mongodb://host:port/<database>/<collection>'");
                }
                return IdentityResult.Of(new DatasetIdentity("mongodb", MongoHosts("mongodb://" + parts[0]), $"{parts[1]}.{parts[2]}", format, true));
            }
            case "iceberg":
            {
                var name = location is { Length: > 0 } ? location : $"{database}.{table.Split('.')[^1]}";
                if (catalog is not null)
                {
                    var identity = ForCatalogTable(catalog, database, table.Split('.')[^1]);
                    return identity.Datasets.Count == 0 ? identity : identity with { Datasets = [identity.Datasets[0] with { Name = name }] };
                }
                return IdentityResult.Fail($"iceberg table {table} is not in an iceberg catalog (CREATE CATALOG … TYPE iceberg, then USE CATALOG)");
            }
            case "bigtable":
            {
                // googleapis.com/bigtable/projects/<p>/instances/<i>/tables/<t>
                var spec = location ?? "";
                var projects = spec.IndexOf("projects/", StringComparison.Ordinal);
                var parts = projects < 0 ? [] : spec[projects..].Split('/');
                if (parts.Length != 6)
                {
                    return IdentityResult.Fail($"bigtable table {table} needs LOCATION 'googleapis.com/bigtable/projects/<p>/instances/<i>/tables/<t>'");
                }
                return IdentityResult.Of(new DatasetIdentity("bigtable", $"{parts[1]}/{parts[3]}", parts[5], format, true));
            }
            default:
                return IdentityResult.Of(new DatasetIdentity(type, "unknown", location ?? table, format, true),
                    $"Beam table type '{type}' is not one Sluice knows; the dataset is named after its LOCATION");
        }
    }

    /// <summary>
    /// Beam Kafka: LOCATION 'broker:port/topic' names the first broker and topic; TBLPROPERTIES' `bootstrap_servers`
    /// (or `bootstrap.servers`) and `topics` add more, as Beam reads them.
    /// </summary>
    private static IdentityResult BeamKafka(string table, string? location, Dictionary<string, JsonElement> props, string format)
    {
        var servers = new List<string>();
        var topics = new List<string>();
        if (location is { Length: > 0 })
        {
            // The old form was 'kafka://host:port/…?topic=t'.
            var spec = StripScheme(location);
            var slash = spec.IndexOf('/');
            servers.Add(slash < 0 ? spec : spec[..slash]);
            var topicQuery = spec.IndexOf("topic=", StringComparison.Ordinal);
            if (topicQuery >= 0)
            {
                topics.Add(spec[(topicQuery + 6)..].Split('&')[0]);
            }
            else if (slash >= 0 && slash + 1 < spec.Length)
            {
                topics.Add(spec[(slash + 1)..]);
            }
        }
        foreach (var key in new[] { "bootstrap_servers", "bootstrap.servers" })
        {
            servers.AddRange(Strings(props, key).SelectMany(s => s.Split(',')).Select(s => StripScheme(s.Trim())));
        }
        topics.AddRange(Strings(props, "topics"));
        servers = servers.Where(s => s.Length > 0).Distinct().ToList();
        topics = topics.Where(t => t.Length > 0).Distinct().ToList();
        if (servers.Count == 0 || topics.Count == 0)
        {
            return IdentityResult.Fail($"kafka table {table} needs LOCATION 'host:port/topic' or TBLPROPERTIES with bootstrap_servers and topics");
        }
        var cluster = NormalizeHosts(string.Join(',', servers));
        return new IdentityResult(topics.Select(topic => new DatasetIdentity("kafka", cluster, topic, format, true)).ToList());
    }

    /// <summary>A JSON property that is a string or an array of strings.</summary>
    private static IEnumerable<string> Strings(Dictionary<string, JsonElement> props, string key)
    {
        if (!props.TryGetValue(key, out var value))
        {
            return [];
        }
        return value.ValueKind switch
        {
            JsonValueKind.String => [value.GetString()!],
            JsonValueKind.Array => value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList(),
            _ => [],
        };
    }

    private static (string, string) SplitFirstDot(string spec)
    {
        var dot = spec.IndexOf('.');
        return dot > 0 ? (spec[..dot], spec[(dot + 1)..]) : ("", spec);
    }

    private static string MongoHosts(string uri)
    {
        var rest = StripScheme(uri);
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            rest = rest[(at + 1)..];
        }
        var end = rest.IndexOfAny(['/', '?']);
        return NormalizeHosts(end < 0 ? rest : rest[..end]);
    }

    private static string? DefaultPort(string system) => system switch
    {
        "mysql" => "3306",
        "postgresql" => "5432",
        "oracle" => "1521",
        "sqlserver" => "1433",
        _ => null,
    };

    /// <summary>Host lists in a stable order, so `b:9092,a:9092` and `a:9092, b:9092` are the same cluster.</summary>
    public static string NormalizeHosts(string hosts) =>
        string.Join(',', hosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal));

    private static string StripScheme(string value)
    {
        var index = value.IndexOf("://", StringComparison.Ordinal);
        return (index >= 0 ? value[(index + 3)..] : value).TrimEnd('/');
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";

    private static string? Get(IReadOnlyDictionary<string, string> options, string key) =>
        options.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
