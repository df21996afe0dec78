using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Jakamo.Portal.Core.Data;

/// <summary>
/// Inserts many rows of one entity with multi-row INSERT statements, skipping EF's change tracking: for rows whose
/// generated ids nobody needs back (the outbox's deliveries). Table, columns, conversions and parameter types all come
/// from the EF model, so the statement matches every provider's mapping.
/// </summary>
internal static class BulkInsert
{
    // SQL Server takes at most 2,100 parameters in one statement; stay well under it.
    private const int MaxParameters = 2_000;

    public static async Task InsertAsync<T>(this PortalDbContext db, IReadOnlyList<T> rows, CancellationToken ct)
        where T : class
    {
        if (rows.Count == 0)
        {
            return;
        }

        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var helper = db.GetService<ISqlGenerationHelper>();
        var columns = entity.GetProperties()
            .Where(p => p.ValueGenerated == ValueGenerated.Never || !p.IsPrimaryKey())
            .Select(p => (Property: p, Column: p.GetColumnName(table)!, Mapping: p.GetRelationalTypeMapping()))
            .ToList();
        var head = $"INSERT INTO {helper.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", columns.Select(c => helper.DelimitIdentifier(c.Column)))}) VALUES ";
        var rowsPerStatement = Math.Max(1, MaxParameters / columns.Count);

        await using var factory = db.Database.GetDbConnection().CreateCommand();
        foreach (var chunk in rows.Chunk(rowsPerStatement))
        {
            var sql = new StringBuilder(head);
            var parameters = new List<DbParameter>(chunk.Length * columns.Count);
            for (var r = 0; r < chunk.Length; r++)
            {
                sql.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < columns.Count; c++)
                {
                    var (property, _, mapping) = columns[c];
                    var value = property.GetGetter().GetClrValueUsingContainingEntity(chunk[r]);
                    if (c > 0)
                    {
                        sql.Append(", ");
                    }

                    if (value is null)
                    {
                        sql.Append("NULL");
                        continue;
                    }

                    var name = helper.GenerateParameterName("b" + parameters.Count.ToString(CultureInfo.InvariantCulture));
                    parameters.Add(mapping.CreateParameter(factory, name, value, property.IsNullable));
                    sql.Append(helper.GenerateParameterNamePlaceholder("b" + (parameters.Count - 1).ToString(CultureInfo.InvariantCulture)));
                }

                sql.Append(')');
            }

            await db.Database.ExecuteSqlRawAsync(sql.ToString(), parameters, ct);
        }
    }
}
