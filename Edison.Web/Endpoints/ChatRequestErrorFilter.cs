using Edison.Core.Chat;

namespace Edison.Web.Endpoints;

/// <summary>
/// A request Edison will not run becomes an error with its status, in the shape of the endpoint family asked (see
/// <see cref="ErrorResponse.For"/>): <c>{"ok":false,"error":"..."}</c>, or OpenAI's error object under <c>/v1</c>.
/// </summary>
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
            return ErrorResponse.For(context.HttpContext, e.Message, e.StatusCode);
        }
    }
}
