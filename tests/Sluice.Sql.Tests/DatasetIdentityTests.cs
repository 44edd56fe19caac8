using Sluice.Sql.Analysis;

namespace Sluice.Sql.Tests;

public class DatasetIdentityTests
{
    private static DatasetIdentity Single(IdentityResult result)
    {
        Assert.Null(result.Error);
        return Assert.Single(result.Datasets);
    }

    [Fact]
    public void Kafka_is_the_sorted_broker_list_and_the_topic()
    {
        var id = Single(DatasetIdentities.ForFlinkTable("t", new Dictionary<string, string>
        {
            ["connector"] = "upsert-kafka", ["topic"] = "orders", ["properties.bootstrap.servers"] = " b:9092 , a:9092", ["value.format"] = "avro",
        }));

        Assert.Equal(("kafka", "a:9092,b:9092", "orders", "avro", true), (id.System, id.Cluster, id.Name, id.Format, id.Durable));
    }

    [Fact]
    public void Kafka_topic_list_is_one_dataset_per_topic()
    {
        var result = DatasetIdentities.ForFlinkTable("t", new Dictionary<string, string>
        {
            ["connector"] = "kafka", ["topic"] = "a; b", ["properties.bootstrap.servers"] = "k:9092",
        });

        Assert.Equal(["a", "b"], result.Datasets.Select(d => d.Name));
    }

    [Theory]
    [InlineData("jdbc:mysql://db:3306/shop?useSSL=false", "db:3306", "shop")]
    [InlineData("jdbc:postgresql://pg.internal:5432/analytics", "pg.internal:5432", "analytics")]
    [InlineData("jdbc:oracle:thin:@ora:1521:ORCL", "ora:1521", "ORCL")]
    [InlineData("jdbc:oracle:thin:@//ora:1521/service", "ora:1521", "service")]
    [InlineData("jdbc:sqlserver://mssql:1433;databaseName=x", "mssql:1433", "")]
    public void Jdbc_url_gives_the_server_and_database(string url, string cluster, string database)
    {
        var (_, foundCluster, foundDatabase) = DatasetIdentities.ParseJdbcUrl(url);

        Assert.Equal((cluster, database), (foundCluster, foundDatabase));
    }

    [Fact]
    public void A_cdc_source_and_a_jdbc_table_on_the_same_server_are_the_same_dataset()
    {
        var cdc = Single(DatasetIdentities.ForFlinkTable("a", new Dictionary<string, string>
        {
            ["connector"] = "mysql-cdc", ["hostname"] = "db", ["database-name"] = "shop", ["table-name"] = "orders",
        }));
        var jdbc = Single(DatasetIdentities.ForFlinkTable("b", new Dictionary<string, string>
        {
            ["connector"] = "jdbc", ["url"] = "jdbc:mysql://db:3306/shop", ["table-name"] = "orders",
        }));

        Assert.Equal((jdbc.System, jdbc.Cluster, jdbc.Name), (cdc.System, cdc.Cluster, cdc.Name));
    }

    [Theory]
    [InlineData("s3a://bucket/a/b/", "s3://bucket", "a/b")]
    [InlineData("hdfs://nn:8020/warehouse", "hdfs://nn:8020", "warehouse")]
    [InlineData("/tmp/out", "file://", "tmp/out")]
    [InlineData("file:///tmp/out", "file://", "tmp/out")]
    public void Filesystem_path_keeps_its_scheme_and_authority(string path, string cluster, string name)
    {
        var id = Single(DatasetIdentities.FileSystem("t", path, "csv"));

        Assert.Equal(("filesystem", cluster, name), (id.System, id.Cluster, id.Name));
    }

    [Fact]
    public void Kinesis_arn_and_stream_with_region_are_the_same_dataset()
    {
        var arn = Single(DatasetIdentities.ForFlinkTable("a", new Dictionary<string, string>
        {
            ["connector"] = "kinesis", ["stream.arn"] = "arn:aws:kinesis:eu-west-1:1234:stream/clicks",
        }));
        var named = Single(DatasetIdentities.ForFlinkTable("b", new Dictionary<string, string>
        {
            ["connector"] = "kinesis", ["stream"] = "clicks", ["aws.region"] = "eu-west-1",
        }));

        Assert.Equal((named.Cluster, named.Name), (arn.Cluster, arn.Name));
    }

    [Theory]
    [InlineData("datagen")]
    [InlineData("print")]
    [InlineData("blackhole")]
    [InlineData("faker")]
    public void Test_connectors_are_not_durable(string connector)
    {
        var id = Single(DatasetIdentities.ForFlinkTable("t", new Dictionary<string, string> { ["connector"] = connector }));

        Assert.False(id.Durable);
        Assert.Equal(connector, id.System);
    }

    [Fact]
    public void Missing_identity_options_are_an_error_naming_them()
    {
        var result = DatasetIdentities.ForFlinkTable("t", new Dictionary<string, string> { ["connector"] = "jdbc", ["url"] = "jdbc:mysql://db/x" });

        Assert.Empty(result.Datasets);
        Assert.Equal("jdbc table t needs both 'url' and 'table-name'", result.Error);
    }

    [Fact]
    public void Unknown_connector_is_named_after_the_table_with_a_warning()
    {
        var result = DatasetIdentities.ForFlinkTable("t", new Dictionary<string, string> { ["connector"] = "acme-queue" });

        Assert.Equal("acme-queue", Single(result).System);
        Assert.Contains("not one Sluice knows", result.Warning);
    }

    [Theory]
    [InlineData("kafka", "broker:9092/events", null, "kafka", "broker:9092", "events")]
    [InlineData("kafka", null, """{"bootstrap.servers": "b2:9092,b1:9092", "topics": ["t1"]}""", "kafka", "b1:9092,b2:9092", "t1")]
    [InlineData("pubsub", "projects/p1/subscriptions/s1", null, "pubsub", "p1", "subscriptions/s1")]
    [InlineData("bigquery", "proj:ds.table", null, "bigquery", "proj", "ds.table")]
    [InlineData("bigquery", "proj.ds.table", null, "bigquery", "proj", "ds.table")]
    [InlineData("text", "gs://bucket/dir", null, "filesystem", "gs://bucket", "dir")]
    [InlineData("mongodb", "mongodb://h:27017/db/coll", null, "mongodb", "h:27017", "db.coll")]
    public void Beam_location_and_properties_give_the_identity(string type, string? location, string? properties, string system, string cluster, string name)
    {
        var id = Single(DatasetIdentities.ForBeamTable("t", type, location, properties, null, "default_database"));

        Assert.Equal((system, cluster, name), (id.System, id.Cluster, id.Name));
    }

    [Fact]
    public void Beam_tblproperties_that_are_not_json_are_an_error()
    {
        var result = DatasetIdentities.ForBeamTable("t", "kafka", "b:9092/x", "{not json", null, "db");

        Assert.StartsWith("TBLPROPERTIES of table t is not a JSON object", result.Error);
    }

    [Fact]
    public void Catalog_tables_are_the_catalogs_warehouse_and_database_table()
    {
        var catalog = new CatalogInfo("lake", "iceberg", new Dictionary<string, string> { ["warehouse"] = "s3://lake/wh/" }, default);

        var id = Single(DatasetIdentities.ForCatalogTable(catalog, "bronze", "clicks"));

        Assert.Equal(("iceberg", "s3://lake/wh", "bronze.clicks"), (id.System, id.Cluster, id.Name));
    }
}
