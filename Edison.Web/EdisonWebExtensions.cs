using Edison.Web.Endpoints;
using MudBlazor.Services;

namespace Edison.Web;

public static class EdisonWebExtensions
{
    /// <summary>Registers the Blazor Server page, MudBlazor and the HTTP API's services.</summary>
    public static WebApplicationBuilder AddEdisonWeb(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.ConfigureHttpJsonOptions(o => EdisonJson.Configure(o.SerializerOptions));
        builder.Services.AddSingleton<ChatRequestReader>();
        builder.Services.AddProblemDetails();
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
