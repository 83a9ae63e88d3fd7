using System.Text.RegularExpressions;
using Edison.Core;
using Edison.Core.Conversations;
using Edison.Core.Inference.Models;
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
app.UseEdisonSecurityHeaders();
app.UseEdisonErrors();

// Routing after the error pages, so that the page for an unknown address is found when its request is run again.
app.UseRouting();
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
    // Every setting is checked before anything is made from one, and before the host would log the failure with its
    // stack trace: a setting Edison cannot use is one line saying which and how to fix it.
    app.Services.GetRequiredService<IStartupValidator>().Validate();
    var models = app.Services.GetRequiredService<ModelHost>();
    var database = app.Services.GetRequiredService<DatabaseInitializer>();
    await app.RunAsync();

    // A model that could not be loaded, or a database that cannot be used, stops the host; the exit code tells
    // scripts and service managers.
    return models.State == ModelState.Failed || database.Failure is not null ? 1 : 0;
}
catch (Exception e) when (SettingFailures(e) is { } failures)
{
    await Console.Error.WriteLineAsync($"Edison cannot start: {failures}");
    return 2;
}

// Several settings may be wrong at once (one exception for each kind of settings): all are named, each in its own
// words, without the wrapping a data-annotation check puts around them ("DataAnnotation validation failed for ...").
static string? SettingFailures(Exception e) => e switch
{
    OptionsValidationException one => Plain(one.Failures),
    AggregateException many when many.InnerExceptions.All(inner => inner is OptionsValidationException) =>
        Plain(many.InnerExceptions.SelectMany(inner => ((OptionsValidationException)inner).Failures)),
    _ => null,
};

static string Plain(IEnumerable<string> failures) =>
    string.Join(" ", failures.Select(failure => Regex.Match(failure, "with the error: '(.*)'\\.$") is { Success: true } wrapped ? wrapped.Groups[1].Value : failure));

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
