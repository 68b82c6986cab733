using Dapper;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Npgsql;

namespace Floor.Pages;

/// <summary>The floor page: one query, 30 rows, rendered by Razor.</summary>
internal sealed class RowsModel(NpgsqlDataSource dataSource, IConfiguration configuration) : PageModel
{
    public IReadOnlyList<CustomerRow> Rows { get; private set; } = [];

    public async Task OnGetAsync()
    {
        await using var connection = await dataSource.OpenConnectionAsync(HttpContext.RequestAborted);
        Rows = (await connection.QueryAsync<CustomerRow>(new CommandDefinition(Sql.Rows,
            new { businessId = configuration["Floor:BusinessId"], mode = "test" }, cancellationToken: HttpContext.RequestAborted))).AsList();
    }
}
