using System.Text.Json;
using Jakamo.Portal.Core.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Jakamo.Portal.Api;

/// <summary>Turns domain exceptions and unreadable requests into problem details a caller can act on.</summary>
internal sealed class PortalExceptionHandler(IProblemDetailsService problems, ILogger<PortalExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails? problem = exception switch
        {
            // Field names follow the JSON bodies: camelCase.
            PortalValidationException validation => new HttpValidationProblemDetails(
                validation.Errors.ToDictionary(e => JsonNamingPolicy.CamelCase.ConvertName(e.Key), e => e.Value))
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request has invalid values.",
                Detail = validation.Message,
            },
            PortalNotFoundException notFound => Problem(StatusCodes.Status404NotFound, "Not found", notFound.Message),
            PortalConflictException conflict => Problem(StatusCodes.Status409Conflict, "Conflict", conflict.Message),
            PortalForbiddenException forbidden => Problem(StatusCodes.Status403Forbidden, "Forbidden", forbidden.Message),
            BadHttpRequestException bad => Problem(bad.StatusCode, "The request could not be read.", Describe(bad)),
            _ => null,
        };

        if (problem is null)
        {
            return false;
        }

        if (problem.Status >= 500)
        {
            logger.LogError(exception, "Request failed");
        }

        context.Response.StatusCode = problem.Status ?? StatusCodes.Status400BadRequest;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private static ProblemDetails Problem(int status, string title, string detail) => new() { Status = status, Title = title, Detail = detail };

    private static string Describe(BadHttpRequestException bad) => bad.InnerException switch
    {
        System.Text.Json.JsonException json => $"The JSON body is invalid: {json.Message.Split(". Path:")[0]}. Path: {json.Path ?? "$"}.",
        _ when bad.StatusCode == StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
        _ when bad.Message.StartsWith("Implicit body inferred", StringComparison.Ordinal) || bad.Message.StartsWith("Required parameter", StringComparison.Ordinal)
            => "A JSON body is required. See /openapi/v1.json for its shape.",
        _ => bad.Message,
    };
}
