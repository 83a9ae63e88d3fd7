using Edison.Core.Chat;

namespace Edison.Web.Endpoints;

/// <summary>A request Edison will not run becomes <c>{"ok":false,"error":"..."}</c> with its status.</summary>
internal sealed class ChatRequestErrorFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (ChatRequestException e)
        {
            return ErrorResponse.Result(e.Message, e.StatusCode);
        }
    }
}
