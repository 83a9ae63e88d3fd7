using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using Edison.Core;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Edison.Web.Access;

/// <summary>
/// The API keys in force: <c>Edison:ApiKeys</c>; or, when none are set and Edison listens beyond loopback, one key it
/// generates once and keeps in <c>{DataPath}/api-key</c>, so Edison is never open to the network by accident. With
/// no keys (loopback only) access is open. Keys are compared by their SHA-256 in constant time.
/// </summary>
public sealed class ApiKeyRing
{
    public const string GeneratedKeyFile = "api-key";

    private readonly Lazy<IReadOnlyList<byte[]>> _hashes;

    public ApiKeyRing(IOptions<AccessOptions> access, IOptions<EdisonOptions> edison, IServer server, ILogger<ApiKeyRing> logger)
    {
        _hashes = new Lazy<IReadOnlyList<byte[]>>(() =>
        {
            var configured = access.Value.ApiKeys.Select(k => k.Trim()).Where(k => k.Length > 0).ToList();
            if (configured.Count > 0)
            {
                return configured.Select(Hash).ToList();
            }

            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var open = addresses.Where(a => !IsLoopback(a)).ToList();
            if (open.Count == 0)
            {
                return [];
            }

            var path = Path.Combine(edison.Value.DataPath, GeneratedKeyFile);
            var key = LoadOrCreate(path);
            logger.LogWarning(
                "Edison listens on {Addresses} and Edison:ApiKeys is not set: API clients must send \"Authorization: Bearer <key>\" and remote browsers sign in with the key kept in {Path}",
                string.Join(", ", open),
                path);
            return [Hash(key)];
        });
    }

    public bool Enabled => _hashes.Value.Count > 0;

    /// <summary>Resolves the keys now (at start-up), so a generated key is written and announced before any request.</summary>
    public void Initialize() => _ = _hashes.Value;

    /// <summary>Whether a fingerprint (from <see cref="TryIdentify"/>, kept in a sign-in cookie) is still one of the keys.</summary>
    public bool IsCurrent(string? fingerprint) =>
        fingerprint is not null && _hashes.Value.Any(known => Fingerprint(known) == fingerprint);

    /// <summary>Checks a key and, when it is valid, gives a short, non-secret name for it to count its requests by.</summary>
    public bool TryIdentify(string? key, [NotNullWhen(true)] out string? fingerprint)
    {
        fingerprint = null;
        if (string.IsNullOrEmpty(key))
        {
            return false;
        }

        var hash = Hash(key);
        bool valid = false;
        foreach (var known in _hashes.Value)
        {
            valid |= CryptographicOperations.FixedTimeEquals(known, hash);
        }

        fingerprint = valid ? Fingerprint(hash) : null;
        return valid;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static string Fingerprint(byte[] hash) => Convert.ToHexString(hash, 0, 8);

    private static bool IsLoopback(string address) => LoopbackHosts.IsLoopback(BindingAddress.Parse(address).Host);

    private static string LoadOrCreate(string path)
    {
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } existing)
        {
            return existing;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = "edison-" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Readable by its owner only: it is a password.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(new FileStream(path, options)))
        {
            writer.Write(key);
        }

        return key;
    }
}
