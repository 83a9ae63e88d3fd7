using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace Edison.Web.Access;

/// <summary>
/// ASP.NET Core's data-protection keys (what sign-in cookies are encrypted with) in PostgreSQL, so every Edison node on
/// the database reads the others' cookies and a restart signs nobody out. The table is created on first use, under an
/// advisory lock so nodes starting together do not race.
/// </summary>
public sealed class PostgresXmlRepository(string connectionString) : IXmlRepository, IDisposable
{
    private const long SchemaLock = 0x4544_4953_4450;

    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(connectionString);
    private volatile bool _ready;

    // The interface is synchronous; ASP.NET Core calls it rarely (start-up, key rotation, an unknown key).
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        EnsureTable();
        using var command = _source.CreateCommand("SELECT xml FROM data_protection_keys ORDER BY id;");
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        EnsureTable();
        using var command = _source.CreateCommand(
            "INSERT INTO data_protection_keys (friendly_name, xml) VALUES ($1, $2) ON CONFLICT (friendly_name) DO NOTHING;");
        command.Parameters.Add(new NpgsqlParameter { Value = friendlyName });
        command.Parameters.Add(new NpgsqlParameter { Value = element.ToString(SaveOptions.DisableFormatting) });
        command.ExecuteNonQuery();
    }

    public void Dispose() => _source.Dispose();

    private void EnsureTable()
    {
        if (_ready)
        {
            return;
        }

        using var connection = _source.OpenConnection();
        using var transaction = connection.BeginTransaction();
        using var command = new NpgsqlCommand(
            $"""
            SELECT pg_advisory_xact_lock({SchemaLock});
            CREATE TABLE IF NOT EXISTS data_protection_keys (
                id bigserial PRIMARY KEY,
                friendly_name text NOT NULL UNIQUE,
                xml text NOT NULL
            );
            """,
            connection,
            transaction);
        command.ExecuteNonQuery();
        transaction.Commit();
        _ready = true;
    }
}
