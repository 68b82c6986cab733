using Clientele.Platform.Cli;
using Clientele.Platform.Hosting;

if (!AdminCli.IsServe(args))
{
    return await AdminCli.RunAsync(args, builder => builder.AddClientele());
}

var builder = WebApplication.CreateBuilder(AdminCli.HostArguments(args));
builder.AddClientele();

var app = builder.Build();
app.UseClientele();
app.MapClientele();
await app.RunAsync();
return 0;

/// <summary>Entry point, visible to the test host.</summary>
public partial class Program;
