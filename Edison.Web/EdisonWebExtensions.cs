using Edison.Core.Chat;
using Edison.Web.Components.Chat;
using Edison.Web.Endpoints;
using Edison.Web.Markdown;
using MudBlazor.Services;

namespace Edison.Web;

public static class EdisonWebExtensions
{
    /// <summary>Registers the Blazor Server page, MudBlazor and the HTTP API's services.</summary>
    public static WebApplicationBuilder AddEdisonWeb(this WebApplicationBuilder builder)
    {
        var chatLimits = builder.Configuration.GetSection(ChatOptions.Section).Get<ChatOptions>() ?? new ChatOptions();
        builder.Services.AddRazorComponents()
            .AddInteractiveServerComponents()
            .AddHubOptions(hub =>
            {
                // The input sends the whole message on each keystroke: room for the longest accepted message at six
                // bytes a character (JSON escapes), so a long paste gets Edison's own message instead of a dropped circuit.
                hub.MaximumReceiveMessageSize = (chatLimits.MaxMessageCharacters + 1L) * 6 + 64 * 1024;
            });
        builder.Services.AddMudServices();
        builder.Services.ConfigureHttpJsonOptions(o => EdisonJson.Configure(o.SerializerOptions));
        builder.Services.AddSingleton<ChatRequestReader>();
        builder.Services.AddSingleton<MarkdownRenderer>();
        builder.Services.AddScoped<BrowserSettings>();
        return builder;
    }

    /// <summary>An unexpected failure answers with the API's error shape, never a stack trace.</summary>
    public static WebApplication UseEdisonErrors(this WebApplication app)
    {
        app.UseExceptionHandler(errors => errors.Run(context =>
            ErrorResponse.Result("Edison hit an unexpected error; it has been logged.", StatusCodes.Status500InternalServerError)
                .ExecuteAsync(context)));
        return app;
    }
}
