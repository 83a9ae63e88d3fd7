using Edison.Core;
using Edison.Core.Inference;
using Edison.Web;
using Edison.Web.Access;
using Edison.Web.Components;
using Edison.Web.Endpoints;
using Edison.Web.OpenAi;
using Microsoft.Extensions.Options;

if (PullCommand.Matches(args))
{
    return await PullCommand.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddEdisonCore();
builder.AddEdisonWeb();
builder.AddEdisonAccess();

var app = builder.Build();
var models = app.Services.GetRequiredService<ModelHost>();
app.UseEdisonSecurityHeaders();
app.UseEdisonErrors();
app.UseEdisonAccess();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapEdisonSignIn();
app.MapEdisonHealth();
app.MapEdisonMetrics();
app.MapEdisonChat();
app.MapEdisonOpenAi();
app.MapEdisonConversations();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

try
{
    await app.RunAsync();
}
catch (OptionsValidationException e)
{
    // A setting Edison cannot use: say which and how to fix it, not a stack trace.
    await Console.Error.WriteLineAsync($"Edison cannot start: {string.Join(" ", e.Failures)}");
    return 2;
}

// A model that could not be loaded stops the host; the exit code tells scripts and service managers.
return models.State == ModelState.Failed ? 1 : 0;

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
