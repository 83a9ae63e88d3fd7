using Edison.Core;
using Edison.Web;
using Edison.Web.Components;
using Edison.Web.Endpoints;

var builder = WebApplication.CreateBuilder(args);
builder.AddEdisonCore();
builder.AddEdisonWeb();

var app = builder.Build();
app.UseEdisonErrors();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapEdisonHealth();
app.MapEdisonChat();
app.MapEdisonConversations();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

await app.RunAsync();

// A model that could not be loaded sets a non-zero exit code before stopping the host.
return Environment.ExitCode;

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
