using FluentMigrator.Runner;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Store.Dialects;

namespace Sluice.Store;

/// <summary>Runs the versioned migrations in <c>Migrations/</c> with FluentMigrator's in-process runner.</summary>
internal static class SchemaMigrator
{
    public static void MigrateUp(IStoreDialect dialect, string connectionString)
    {
        using var services = new ServiceCollection()
            .AddFluentMigratorCore()
            .ConfigureRunner(runner =>
            {
                dialect.AddMigrationProcessor(runner);
                runner.WithGlobalConnectionString(connectionString)
                    .ScanIn(typeof(SchemaMigrator).Assembly).For.Migrations();
            })
            .BuildServiceProvider(validateScopes: false);
        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<IMigrationRunner>().MigrateUp();
    }
}
