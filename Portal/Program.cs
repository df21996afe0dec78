using Jakamo.Portal;

var builder = WebApplication.CreateBuilder(args);
builder.AddPortal();

var app = builder.Build();
await app.InitializePortalAsync();
app.MapPortal();
await app.RunAsync();

/// <summary>Exposed so tests can host the app.</summary>
public partial class Program;
