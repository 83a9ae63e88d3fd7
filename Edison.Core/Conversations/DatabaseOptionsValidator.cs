using Microsoft.Extensions.Options;

namespace Edison.Core.Conversations;

/// <summary>Checks <c>Edison:Database</c> at start: a known provider, and PostgreSQL with somewhere to connect to.</summary>
public sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options) =>
        !options.IsSqlite && !options.IsPostgres
            ? ValidateOptionsResult.Fail($"Edison:Database:Provider must be \"{DatabaseOptions.Sqlite}\" or \"{DatabaseOptions.Postgres}\".")
        : options.IsPostgres && string.IsNullOrWhiteSpace(options.ConnectionString)
            ? ValidateOptionsResult.Fail(
                "Edison:Database:ConnectionString is required for the Postgres provider (e.g. Host=db;Database=edison;Username=edison;Password=...).")
        : ValidateOptionsResult.Success;
}
