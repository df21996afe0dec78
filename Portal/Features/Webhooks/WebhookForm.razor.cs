using Jakamo.Portal.Core.Webhooks;
using Microsoft.AspNetCore.Components;

namespace Jakamo.Portal.Features.Webhooks;

/// <summary>The webhook form of SPEC "The webhook form". It only collects input; Portal.Core enforces the rules.</summary>
public sealed partial class WebhookForm
{
    private string? _name;
    private string? _payloadUrl;
    private AuthChoice _auth = AuthChoice.OAuth2;
    private WebhookAuthMethod _otherMethod = WebhookAuthMethod.ApiKeyHeader;
    private string? _tokenUrl;
    private string? _clientId;
    private string? _clientSecret;
    private string? _scope;
    private string? _basicUser;
    private string? _basicPassword;
    private string? _headerName;
    private string? _headerValue;
    private int _integrationId;
    private bool _removeFromQueue;
    private bool _disableRetry;
    private EventSelection _selection = EventSelection.Selected;
    private HashSet<string> _events = new(StringComparer.Ordinal);
    private bool _enabled = true;
    private bool _generateSecret;
    private bool _removeSecret;

    internal enum AuthChoice
    {
        OAuth2,
        Basic,
        Other,
    }

    internal sealed record IntegrationOption(int Id, string Label);

    [Parameter, EditorRequired]
    public WebhookFormOptions Options { get; set; } = default!;

    /// <summary>The saved webhook when editing; null when creating.</summary>
    [Parameter]
    public WebhookView? Existing { get; set; }

    /// <summary>Field errors from the last save, keyed by <see cref="WebhookInput"/> property name.</summary>
    [Parameter]
    public IReadOnlyDictionary<string, string[]>? Errors { get; set; }

    [Parameter]
    public EventCallback<WebhookInput> OnSend { get; set; }

    [Parameter]
    public bool Busy { get; set; }

    [Parameter]
    public string? CancelHref { get; set; }

    /// <summary>The field is shown when the company has a designated integration, or the webhook keeps an old tie.</summary>
    internal bool ShowIntegration => WebhookRules.ShowIntegrationField(Options.DesignatedIntegration?.Id, Existing?.IntegrationId);

    /// <summary>The designated integration and, while the saved webhook keeps it, its old tie.</summary>
    internal IReadOnlyList<IntegrationOption> IntegrationChoices
    {
        get
        {
            var designated = Options.DesignatedIntegration;
            return [.. WebhookRules.AllowedIntegrationIds(designated?.Id, Existing?.IntegrationId).Select(id => id == designated?.Id
                ? new IntegrationOption(id, $"{designated.Name} (webhook integration)")
                : new IntegrationOption(id, $"{Existing!.IntegrationName} (no longer the designated webhook integration)"))];
        }
    }

    private bool _loaded;
    private int? _loadedId;

    protected override void OnParametersSet()
    {
        // Load the saved values once per webhook, so re-renders keep what the user typed.
        if (_loaded && _loadedId == Existing?.Id)
        {
            return;
        }

        _loaded = true;
        _loadedId = Existing?.Id;
        if (Existing is not { } w)
        {
            return;
        }

        _name = w.Name;
        _payloadUrl = w.PayloadUrl;
        (_auth, _otherMethod) = w.AuthMethod switch
        {
            WebhookAuthMethod.OAuth2ClientCredentials => (AuthChoice.OAuth2, WebhookAuthMethod.ApiKeyHeader),
            WebhookAuthMethod.Basic => (AuthChoice.Basic, WebhookAuthMethod.ApiKeyHeader),
            _ => (AuthChoice.Other, w.AuthMethod),
        };
        _tokenUrl = w.OAuthTokenUrl;
        _clientId = w.OAuthClientId;
        _scope = w.OAuthScope;
        _basicUser = w.BasicUserName;
        _headerName = w.ApiKeyHeaderName;
        _integrationId = w.IntegrationId ?? 0;
        _removeFromQueue = w.RemoveFromQueueOnSuccess;
        _disableRetry = w.DisableAutomaticRetry;
        _selection = w.EventSelection;
        _events = new HashSet<string>(w.EventTypes, StringComparer.Ordinal);
        _enabled = w.Enabled;
    }

    private WebhookAuthMethod SelectedMethod => _auth switch
    {
        AuthChoice.OAuth2 => WebhookAuthMethod.OAuth2ClientCredentials,
        AuthChoice.Basic => WebhookAuthMethod.Basic,
        _ => _otherMethod,
    };

    private bool SameAuth(WebhookAuthMethod method) => Existing?.AuthMethod == method;

    private bool Has(string field) => Errors?.ContainsKey(field) == true;

    private string? ErrorOf(string field) => Errors?.TryGetValue(field, out var messages) == true ? string.Join(" ", messages) : null;

    private void Toggle(string eventType, bool on)
    {
        if (on)
        {
            _events.Add(eventType);
        }
        else
        {
            _events.Remove(eventType);
        }
    }

    internal WebhookInput BuildInput()
    {
        var method = SelectedMethod;
        return new WebhookInput
        {
            CompanyId = Options.CompanyId,
            Name = _name,
            PayloadUrl = _payloadUrl,
            AuthMethod = method,
            OAuthTokenUrl = method == WebhookAuthMethod.OAuth2ClientCredentials ? _tokenUrl : null,
            OAuthClientId = method == WebhookAuthMethod.OAuth2ClientCredentials ? _clientId : null,
            OAuthClientSecret = method == WebhookAuthMethod.OAuth2ClientCredentials ? NullIfEmpty(_clientSecret) : null,
            OAuthScope = method == WebhookAuthMethod.OAuth2ClientCredentials ? _scope : null,
            BasicUserName = method == WebhookAuthMethod.Basic ? _basicUser : null,
            BasicPassword = method == WebhookAuthMethod.Basic ? NullIfEmpty(_basicPassword) : null,
            ApiKeyHeaderName = method == WebhookAuthMethod.ApiKeyHeader ? _headerName : null,
            ApiKeyValue = method == WebhookAuthMethod.ApiKeyHeader ? NullIfEmpty(_headerValue) : null,
            IntegrationId = ShowIntegration && _integrationId != 0 ? _integrationId : null,
            RemoveFromQueueOnSuccess = _removeFromQueue,
            DisableAutomaticRetry = _disableRetry,
            EventSelection = _selection,
            EventTypes = _selection == EventSelection.Selected ? [.. _events.Order(StringComparer.Ordinal)] : [],
            Enabled = _enabled,
            GenerateSigningSecret = _generateSecret,
            RemoveSigningSecret = _removeSecret,
        };
    }

    private Task SendAsync() => OnSend.InvokeAsync(BuildInput());

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
