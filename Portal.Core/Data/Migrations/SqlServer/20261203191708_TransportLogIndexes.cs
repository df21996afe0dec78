using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Jakamo.Portal.Core.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class TransportLogIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Attempts_EventId",
                table: "Attempts");

            migrationBuilder.DropIndex(
                name: "IX_Attempts_StartedAt",
                table: "Attempts");

            migrationBuilder.CreateIndex(
                name: "IX_Events_ExternalId",
                table: "Events",
                column: "ExternalId");

            migrationBuilder.CreateIndex(
                name: "IX_Deliveries_CreatedAt",
                table: "Deliveries",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Attempts_EventId_CompanyId",
                table: "Attempts",
                columns: new[] { "EventId", "CompanyId" });

            migrationBuilder.CreateIndex(
                name: "IX_Attempts_StartedAt_DeliveryId",
                table: "Attempts",
                columns: new[] { "StartedAt", "DeliveryId" });

            migrationBuilder.CreateIndex(
                name: "IX_Attempts_WebhookId_Outcome_Id_CompanyId",
                table: "Attempts",
                columns: new[] { "WebhookId", "Outcome", "Id", "CompanyId" });

            migrationBuilder.CreateIndex(
                name: "IX_Attempts_WebhookId_StartedAt_Outcome_ResponseStatus_DurationMs",
                table: "Attempts",
                columns: new[] { "WebhookId", "StartedAt", "Outcome", "ResponseStatus", "DurationMs" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Events_ExternalId",
                table: "Events");

            migrationBuilder.DropIndex(
                name: "IX_Deliveries_CreatedAt",
                table: "Deliveries");

            migrationBuilder.DropIndex(
                name: "IX_Attempts_EventId_CompanyId",
                table: "Attempts");

            migrationBuilder.DropIndex(
                name: "IX_Attempts_StartedAt_DeliveryId",
                table: "Attempts");

            migrationBuilder.DropIndex(
                name: "IX_Attempts_WebhookId_Outcome_Id_CompanyId",
                table: "Attempts");

            migrationBuilder.DropIndex(
                name: "IX_Attempts_WebhookId_StartedAt_Outcome_ResponseStatus_DurationMs",
                table: "Attempts");

            migrationBuilder.CreateIndex(
                name: "IX_Attempts_EventId",
                table: "Attempts",
                column: "EventId");

            migrationBuilder.CreateIndex(
                name: "IX_Attempts_StartedAt",
                table: "Attempts",
                column: "StartedAt");
        }
    }
}
