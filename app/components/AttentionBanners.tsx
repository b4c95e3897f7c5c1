import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Text } from "@shopify/polaris";
import { useEffect } from "react";
import type { AttentionBanner } from "../admin/dashboard";
import { DateTime } from "./DateTime";
import { ResumedBanner, ResumeSendingForm, useRecheck } from "./ResumeSending";
import { useToast } from "./useToast";

/**
 * The Home page's "needs you" banners; "resume" posts to the Home page's action. Keep it
 * mounted when there is no banner: the banner it resumed disappears, the toast still shows.
 */
export function AttentionBanners({ banners }: { banners: AttentionBanner[] }) {
  const fetcher = useFetcher<{ ok: boolean; resumed?: boolean }>();
  // Answers only when Shopify had granted the access already; otherwise the admin leaves for Shopify's grant screen.
  const grant = useFetcher<{ ok: boolean; granted?: boolean }>();
  const toast = useToast();
  const recheck = useRecheck();
  const answer = fetcher.state === "idle" ? fetcher.data : undefined;
  const granted = grant.state === "idle" ? grant.data?.granted : undefined;

  useEffect(() => {
    if (answer?.ok) toast(answer.resumed ? "Sending resumed" : "Sending was not paused");
  }, [answer, toast]);
  useEffect(() => {
    if (granted) toast("Access granted");
  }, [granted, toast]);

  if (banners.length === 0) return <ResumedBanner fetcher={recheck} />;
  return (
    <BlockStack gap="300">
      <ResumedBanner fetcher={recheck} />
      {banners.map((banner) => {
        const action = banner.action;
        let bannerAction: { content: string; url?: string; onAction?: () => void; loading?: boolean } | undefined;
        if (action && "url" in action) bannerAction = { content: action.label, url: action.url };
        else if (action && action.intent === "resume") {
          bannerAction = {
            content: action.label,
            loading: fetcher.state !== "idle",
            onAction: () => fetcher.submit({ intent: action.intent }, { method: "post", action: "/app?index" }),
          };
        } else if (action && action.intent === "grant_scopes") {
          bannerAction = {
            content: action.label,
            loading: grant.state !== "idle",
            onAction: () => grant.submit({ intent: action.intent }, { method: "post", action: "/app?index" }),
          };
        }
        return (
          <Banner key={banner.id} tone={banner.tone} title={banner.title} action={bannerAction}>
            <BlockStack gap="100">
              {banner.lines.map((line) => (
                <Text as="p" key={line}>
                  {line}
                </Text>
              ))}
              {action && "intent" in action && action.intent === "recheck" && <ResumeSendingForm id={banner.id} fetcher={recheck} />}
              {banner.resumeAt && (
                <Text as="p">
                  Sending is tried again by itself at <DateTime value={banner.resumeAt} />.
                </Text>
              )}
            </BlockStack>
          </Banner>
        );
      })}
    </BlockStack>
  );
}
