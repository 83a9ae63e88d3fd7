using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using AngleSharp.Html.Parser;
using Microsoft.Extensions.Options;

namespace Edison.Core.Tools;

/// <summary>
/// The <c>fetch_url</c> tool: a web page (http or https only) as text. Every connection, the first and each redirect's,
/// goes only to an address on the public internet (<see cref="NetworkAddresses"/>), checked on the very address the
/// socket connects to after the name is resolved, so neither a redirect nor a name that resolves to this machine (DNS
/// rebinding) reaches it; no proxy is used, as a proxy would connect in Edison's stead. Pages are held to a size and a
/// time, and HTML is read as its text.
/// </summary>
public sealed class UrlFetcher(HttpClient http, IOptions<ToolOptions> options)
{
    /// <summary>The page's text (its title first), or a <see cref="ToolFailedException"/> saying why there is none.</summary>
    public async Task<string> FetchAsync(string url, CancellationToken cancellationToken)
    {
        var settings = options.Value.Fetch;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.Timeout);
        try
        {
            var address = Checked(url);
            for (int redirects = 0; ; redirects++)
            {
                using var response = await http.GetAsync(address, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
                if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    if (redirects == settings.MaxRedirects)
                    {
                        throw new ToolFailedException($"{url} redirects more than {settings.MaxRedirects} times.");
                    }

                    address = Checked(new Uri(address, location).ToString());
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    throw new ToolFailedException($"{address} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
                }

                return Text(await ReadAsync(response, settings.MaxBytes, deadline.Token), response.Content.Headers.ContentType);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ToolFailedException($"{url} did not answer within {settings.Timeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException e)
        {
            throw new ToolFailedException(e.InnerException is ToolFailedException refused ? refused.Message : $"{url} could not be fetched: {e.Message}");
        }
    }

    /// <summary>
    /// The handler every fetch goes through: no redirects of its own (each is checked here), no proxy, and a connection
    /// only to the public address a name resolves to (or to a private one the settings name).
    /// </summary>
    public static SocketsHttpHandler CreateHandler(IOptions<ToolOptions> options) => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.All,
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var host = context.DnsEndPoint.Host;
            bool allowed = options.Value.Fetch.AllowedPrivateHosts.Contains(host, StringComparer.OrdinalIgnoreCase);
            var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
            var address = addresses.FirstOrDefault(a => allowed || NetworkAddresses.IsPublic(a))
                ?? throw new ToolFailedException($"{host} is on a loopback, private or link-local network ({string.Join(", ", addresses.Select(a => a.ToString()))}); Edison's tools reach only the public internet.");
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    private static Uri Checked(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var address) && address.Scheme is "http" or "https"
            ? address
            : throw new ToolFailedException($"\"{url}\" is not an http or https URL.");

    private static async Task<byte[]> ReadAsync(HttpResponseMessage response, int maxBytes, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > maxBytes)
        {
            throw new ToolFailedException($"The page is {response.Content.Headers.ContentLength} bytes; Edison reads pages of at most {maxBytes} bytes.");
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var read = new MemoryStream();
        var buffer = new byte[81_920];
        int count;
        while ((count = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (read.Length + count > maxBytes)
            {
                throw new ToolFailedException($"The page is larger than {maxBytes} bytes; Edison reads pages of at most {maxBytes} bytes.");
            }

            read.Write(buffer, 0, count);
        }

        return read.ToArray();
    }

    /// <summary>HTML as its title and visible text; other text as it is; anything else refused.</summary>
    private static string Text(byte[] body, MediaTypeHeaderValue? type)
    {
        var media = type?.MediaType ?? "text/html";
        var encoding = Encoding.UTF8;
        try
        {
            encoding = type?.CharSet is { Length: > 0 } charset ? Encoding.GetEncoding(charset.Trim('"')) : Encoding.UTF8;
        }
        catch (ArgumentException)
        {
            // An unknown charset is read as UTF-8, as browsers fall back.
        }

        var text = encoding.GetString(body);
        if (media is "text/html" or "application/xhtml+xml")
        {
            var document = new HtmlParser().ParseDocument(text);
            foreach (var hidden in document.QuerySelectorAll("script, style, noscript, template, svg"))
            {
                hidden.Remove();
            }

            // A block's text ends where the block does: a heading and the paragraph after it are two words apart.
            foreach (var block in document.QuerySelectorAll("p, div, br, li, dt, dd, tr, td, th, h1, h2, h3, h4, h5, h6, pre, blockquote, section, article, header, footer, nav, aside, main, table, ul, ol"))
            {
                block.AppendChild(document.CreateTextNode(" "));
            }

            var visible = string.Join(' ', (document.Body?.TextContent ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            return document.Title is { Length: > 0 } title ? $"{title.Trim()}\n\n{visible}" : visible;
        }

        return media.StartsWith("text/", StringComparison.Ordinal) || media.EndsWith("json", StringComparison.Ordinal) || media.EndsWith("xml", StringComparison.Ordinal)
            ? text
            : throw new ToolFailedException($"The page is {media}; Edison reads only text and HTML.");
    }
}

/// <summary>A tool that could not do what it was asked: the model reads the message as the call's result.</summary>
public sealed class ToolFailedException(string message) : Exception(message);
